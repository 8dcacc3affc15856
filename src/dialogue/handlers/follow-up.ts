/**
 * Aspect-only follow-ups after an answer: "thế phí bao nhiêu?", "cần giấy tờ gì" ask about the
 * procedure answered last (../followup.ts says which messages are aspect-only).
 */
import type { Answers } from "../answers.ts";
import type { Handler } from "../compose.ts";
import type { Deps } from "../turn.ts";

export function createFollowUp(deps: Deps, answers: Answers): Handler {
  return async (turn) => {
    const { last } = turn.state;
    if (!last || !deps.followUps.isAspectOnly(turn.text)) return null;
    if (deps.aspects.detectAspect(turn.text) === "overview") return null;
    // Through ask (not answerFor) so that the LLM path, when configured, answers it too.
    const result = await deps.assistant.ask(turn.text, { previousCode: last.code });
    return answers.present(turn, turn.text, result);
  };
}
