/**
 * Anything else is a question for the assistant. A complaint (intent `feedback`) starts the
 * complaint flow, a wish to talk to a person (intent `handoff`) calls one; the rest is answered.
 */
import type { Answers } from "../answers.ts";
import type { Handler } from "../compose.ts";
import type { FeedbackFlow } from "../feedback-flow.ts";
import { folded } from "../input.ts";
import type { Deps } from "../turn.ts";
import type { HandOver } from "./hand-over.ts";

const PROPOSAL_WORDS = /(?:^| )(?:kien nghi|gop y|de xuat|de nghi)(?: |$)/;

export function createAsk(
  deps: Deps,
  answers: Answers,
  feedback: FeedbackFlow,
  handOver: HandOver,
): Handler {
  return async (turn) => {
    const { text } = turn;
    const result = await deps.assistant.ask(text);
    if (result.intent === "feedback") {
      answers.record(turn, text, result);
      const kind = PROPOSAL_WORDS.test(folded(text)) ? "proposal" : "complaint";
      return feedback.start(turn, kind, text, true);
    }
    if (result.intent === "handoff" && handOver.enabled) {
      answers.record(turn, text, result);
      const person = await handOver.escalate(turn, "asked", text);
      if (person) return person;
    }
    return answers.present(turn, text, result);
  };
}
