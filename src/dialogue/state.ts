/**
 * What the dialogue remembers about one channel user, stored as JSON in `dialogue_state`.
 * Every piece carries the time it was set and expires on its own (see TTL): a citizen who comes
 * back the next day starts fresh, except for the cases they filed and the hand-off flag.
 */
import { z } from "zod";
import { ASPECTS } from "../assistant/index.ts";

const choice = z.object({ code: z.string(), name: z.string(), level: z.string() });

const draft = z.object({
  /** Random: buttons carry it, so a button of an older draft never sends a newer one. */
  id: z.string(),
  kind: z.enum(["complaint", "proposal"]),
  step: z.enum(["text", "subject", "contact", "confirm", "edit"]),
  /** Editing one field from the summary: go back to the summary once it is given. */
  returnToConfirm: z.boolean(),
  text: z.string().optional(),
  procedureCode: z.string().optional(),
  procedureName: z.string().optional(),
  agency: z.string().optional(),
  contact: z.string().optional(),
  at: z.string(),
});

export const stateSchema = z.object({
  /** Choices offered when the question was ambiguous; the aspect asked is kept for the pick. */
  pending: z
    .object({
      question: z.string(),
      aspect: z.enum(ASPECTS),
      choices: z.array(choice),
      at: z.string(),
    })
    .optional(),
  /** The procedure answered last, for aspect-only follow-ups. */
  last: z.object({ code: z.string(), name: z.string(), at: z.string() }).optional(),
  /** A complaint or proposal being written. */
  draft: draft.optional(),
  /** After 👎: the next message is the comment. */
  comment: z.object({ answerId: z.number().int(), at: z.string() }).optional(),
  /** A status lookup of a case not filed from here: the next message may be its token. */
  token: z.object({ ref: z.string(), at: z.string() }).optional(),
  /** Drafts sent from this conversation (latest first, a few): pressing "Gửi" again is harmless. */
  filed: z
    .array(
      z.object({
        draftId: z.string(),
        ref: z.string(),
        kind: z.enum(["complaint", "proposal"]),
        at: z.string(),
      }),
    )
    .optional(),
  /**
   * A person (hotline staff, src/handoff) has the conversation: the citizen's messages go to the
   * ticket. Set by an escalation in a turn; cleared by "/huy", by a turn that finds the ticket
   * closed, or by the hand-off service through the core's `handBack` (on the user's queue).
   */
  handedOff: z.boolean().optional(),
  /**
   * The hand-over buttons ("handoff:queue:…") the bot offered last: a pressed one is honoured
   * only if it is here, so a forged action cannot open tickets.
   */
  offered: z.object({ actions: z.array(z.string()).max(10), at: z.string() }).optional(),
});

export type DialogueState = z.infer<typeof stateSchema>;
export type Draft = z.infer<typeof draft>;
export type Choice = z.infer<typeof choice>;

/**
 * A change of state, as handlers return it: a piece set to `undefined` is dropped, a piece left
 * out is kept. Patches combine with `{ ...first, ...then }`.
 */
export type StatePatch = { [K in keyof DialogueState]?: DialogueState[K] | undefined };

/** A new state: `state` with `patch` applied (neither is changed). */
export function applyPatch(state: Readonly<DialogueState>, patch: StatePatch): DialogueState {
  const merged: Record<string, unknown> = { ...state, ...patch };
  return Object.fromEntries(
    Object.entries(merged).filter(([, value]) => value !== undefined),
  ) as DialogueState;
}

/** How long each piece of state lives, in milliseconds. */
export const TTL = {
  pending: 30 * 60_000,
  last: 60 * 60_000,
  draft: 24 * 3600_000,
  comment: 30 * 60_000,
  token: 10 * 60_000,
  offered: 24 * 3600_000,
} as const;

/** Drafts remembered as filed. */
export const FILED_KEPT = 5;

/** The state without the pieces that have expired at `now`. */
export function withoutExpired(state: DialogueState, now: Date): DialogueState {
  const t = now.getTime();
  const alive = (at: string, ttl: number) => {
    const set = Date.parse(at);
    return Number.isFinite(set) && t - set <= ttl && set - t <= ttl;
  };
  const expired = (piece: { at: string } | undefined, ttl: number) =>
    piece !== undefined && !alive(piece.at, ttl);
  return applyPatch(state, {
    ...(expired(state.pending, TTL.pending) ? { pending: undefined } : {}),
    ...(expired(state.last, TTL.last) ? { last: undefined } : {}),
    ...(expired(state.draft, TTL.draft) ? { draft: undefined } : {}),
    ...(expired(state.comment, TTL.comment) ? { comment: undefined } : {}),
    ...(expired(state.token, TTL.token) ? { token: undefined } : {}),
    ...(expired(state.offered, TTL.offered) ? { offered: undefined } : {}),
  });
}

/** Parses stored JSON; anything unreadable becomes an empty state (never an error to the user). */
export function parseState(json: string | undefined): DialogueState {
  if (json === undefined) return {};
  try {
    const parsed = stateSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}
