/**
 * Handlers, grammY-composer style: a handler looks at the turn and either takes the message (it
 * returns a `Reply`: the messages and the state changes) or passes it on (`null`, or `pass(patch)`
 * to pass it on with state changes, e.g. dropping choices the citizen ignored). `compose` tries
 * handlers in order; the first that takes the message answers it. Handlers never change the
 * state in place: the core applies the patches and saves once (core.ts, `turnOf`).
 */
import type { OutgoingMessage } from "../channels/index.ts";
import type { StatePatch } from "./state.ts";
import type { Turn } from "./turn.ts";

/** The message was taken: what to send back and how the state changes. */
export interface Reply {
  messages: OutgoingMessage[];
  patch?: StatePatch;
  /** false: leave the stored state as it is (while a person has the conversation). */
  save?: false;
}

/** The message was passed on, with state changes the next handlers see. */
export interface Pass {
  pass: StatePatch;
}

export type Outcome = Reply | Pass | null;

export type Handler = (turn: Turn) => Outcome | Promise<Outcome>;

export const pass = (patch: StatePatch): Pass => ({ pass: patch });

export const isPass = (outcome: Reply | Pass): outcome is Pass => "pass" in outcome;

/** The first handler that takes the message answers it; passes' patches come first. */
export function compose(...handlers: Handler[]): Handler {
  return async (turn) => {
    let current = turn;
    let passed: StatePatch = {};
    for (const handler of handlers) {
      const outcome = await handler(current);
      if (outcome === null) continue;
      if (isPass(outcome)) {
        passed = { ...passed, ...outcome.pass };
        current = current.with(outcome.pass);
        continue;
      }
      return { ...outcome, patch: { ...passed, ...outcome.patch } };
    }
    return Object.keys(passed).length > 0 ? pass(passed) : null;
  };
}

/**
 * `patch` first, then `next` on the patched turn; its reply carries both. The patch is kept even
 * when `next` fails (the core saves the state as far as the turn got).
 */
export async function after(
  turn: Turn,
  patch: StatePatch,
  next: (turn: Turn) => Reply | Promise<Reply>,
): Promise<Reply> {
  const reply = await next(turn.with(patch));
  return { ...reply, patch: { ...patch, ...reply.patch } };
}

/** Both replies' messages, in order; the second's state changes win. */
export const join = (first: Reply, then: Reply): Reply => ({
  messages: [...first.messages, ...then.messages],
  patch: { ...first.patch, ...then.patch },
});
