/**
 * While choices are pending: "2", "1.000091" (or a `pick:` button, see actions) answers that
 * procedure about the aspect first asked; an aspect-only message ("thế phí bao nhiêu?") keeps the
 * choices and changes the aspect; anything else drops them and goes on as a new message.
 */
import { LABELS } from "../../assistant/index.ts";
import type { Answers } from "../answers.ts";
import { pass, type Handler } from "../compose.ts";
import { bareCode, choiceNumber } from "../input.ts";
import { reply, type Deps } from "../turn.ts";

export function createChoices(deps: Deps, answers: Answers): Handler {
  return (turn) => {
    const pending = turn.state.pending;
    if (!pending) return null;
    const { text } = turn;
    const { choices } = pending;
    const n = choiceNumber(text);
    if (n !== null) {
      const chosen = choices[n - 1];
      if (chosen) return answers.pick(turn, chosen.code);
      return { messages: [reply(deps.render("pick-range", { count: choices.length }))] };
    }
    const code = bareCode(text);
    if (code) return answers.pick(turn, code);
    const aspect = deps.aspects.detectAspect(text);
    if (aspect !== "overview" && deps.followUps.isAspectOnly(text)) {
      // "thế phí bao nhiêu?" before choosing: the choice will answer that instead.
      const what = LABELS.field[aspect];
      return {
        messages: [
          reply(
            deps.render("pick-aspect", { count: choices.length, what }),
            answers.choiceRows(choices),
          ),
        ],
        patch: { pending: { ...pending, aspect, at: turn.now.toISOString() } },
      };
    }
    return pass({ pending: undefined });
  };
}
