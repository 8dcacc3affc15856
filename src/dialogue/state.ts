/**
 * What the dialogue remembers about one channel user, stored as JSON in `dialogue_state`.
 * Every piece carries the time it was set and expires on its own (see TTL): a citizen who comes
 * back the next day starts fresh, except for the cases they filed and the hand-off flag.
 */
import { z } from "zod";
import { ASPECTS } from "../assistant/types.ts";

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
  /** Placeholder for hand-off to a human (a later issue): while set, the bot stays silent. */
  handedOff: z.boolean().optional(),
});

export type DialogueState = z.infer<typeof stateSchema>;
export type Draft = z.infer<typeof draft>;
export type Choice = z.infer<typeof choice>;

/** How long each piece of state lives, in milliseconds. */
export const TTL = {
  pending: 30 * 60_000,
  last: 60 * 60_000,
  draft: 24 * 3600_000,
  comment: 30 * 60_000,
  token: 10 * 60_000,
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
  const out: DialogueState = { ...state };
  if (out.pending && !alive(out.pending.at, TTL.pending)) delete out.pending;
  if (out.last && !alive(out.last.at, TTL.last)) delete out.last;
  if (out.draft && !alive(out.draft.at, TTL.draft)) delete out.draft;
  if (out.comment && !alive(out.comment.at, TTL.comment)) delete out.comment;
  if (out.token && !alive(out.token.at, TTL.token)) delete out.token;
  return out;
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
