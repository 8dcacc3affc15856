/**
 * A complaint or proposal being written (../feedback-flow.ts): while a draft is open, typed
 * messages are its steps. Starting one is a command ("/phananh"), a button or the assistant's
 * `feedback` intent (ask.ts).
 */
import type { Handler } from "../compose.ts";
import type { FeedbackFlow } from "../feedback-flow.ts";
import { hasContent } from "../input.ts";

export function createComplaint(feedback: FeedbackFlow): Handler {
  return (turn) => {
    const { draft } = turn.state;
    if (!draft) return null;
    // Nothing readable: the step's question again.
    if (!hasContent(turn.text)) return { messages: [feedback.prompt(turn, draft)] };
    return feedback.onText(turn, draft, turn.text);
  };
}
