/**
 * Buttons (`action` strings, README "Buttons"): every message with an action ends here, except
 * "handoff:…" buttons the hand-over takes first. A button drops the 👎 comment wait; one that no
 * longer works (or was never ours) says so.
 */
import type { Answers } from "../answers.ts";
import { after, type Handler, type Reply } from "../compose.ts";
import type { FeedbackFlow } from "../feedback-flow.ts";
import { parseAction, type Action } from "../input.ts";
import type { StatusFlow } from "../status-flow.ts";
import { reply, type Deps, type Turn } from "../turn.ts";
import type { Commands } from "./commands.ts";
import type { Rating } from "./rating.ts";

export interface ActionOptions {
  answers: Answers;
  rating: Rating;
  feedback: FeedbackFlow;
  status: StatusFlow;
  commands: Commands;
}

export function createActions(deps: Deps, on: ActionOptions): Handler {
  function run(turn: Turn, a: Action): Reply | Promise<Reply> {
    switch (a.type) {
      case "pick":
        return on.answers.pick(turn, a.code);
      case "rate":
        return on.rating.rate(turn, a.rating, a.answerId);
      case "rate-skip":
        return on.rating.skip();
      case "fb-send":
      case "fb-edit":
      case "fb-cancel":
      case "fb-last":
      case "fb-skip":
      case "fb-field":
        return on.feedback.onAction(turn, a);
      case "status":
        return on.status.lookup(turn, a.ref, null);
      case "command":
        return on.commands.command(turn, { name: a.name, args: "", raw: "" });
      case "invalid":
        return { messages: [reply(deps.render("stale-button"))] };
    }
  }

  return (turn) => {
    const { action } = turn.message;
    if (action === undefined || action === null) return null;
    const a = parseAction(action);
    return after(turn, a.type === "rate-skip" ? {} : { comment: undefined }, (t) => run(t, a));
  };
}
