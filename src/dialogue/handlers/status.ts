/**
 * Status of a case in typed messages: the token a lookup waits for, and a message naming a
 * reference ("tra cứu phản ánh PAKN-…"). "/trangthai" and the "Xem tình trạng" button reach the
 * same flow through the commands and the buttons (../status-flow.ts).
 */
import { pass, type Handler } from "../compose.ts";
import { findRef } from "../input.ts";
import type { StatusFlow } from "../status-flow.ts";

export function createStatusHandlers(status: StatusFlow) {
  /** While a token is awaited: a token-like message is tried; anything else drops the wait. */
  const token: Handler = (turn) => {
    const waiting = turn.state.token;
    if (!waiting) return null;
    const given = status.tokenIn(turn.text);
    return given === null ? pass({ token: undefined }) : status.lookup(turn, waiting.ref, given);
  };

  /** A message naming a reference. */
  const byRef: Handler = (turn) => (findRef(turn.text) ? status.onRequest(turn, turn.text) : null);

  return { token, byRef };
}
