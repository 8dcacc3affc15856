/**
 * A long notification goes out in several pieces. When a later piece fails, the outbox retries
 * the whole message under the same idempotency key; this remembers how many pieces of that key
 * already went out, so the retry starts after them instead of sending the first ones again.
 * In memory: after a restart a retry sends every piece (at least once, never lost).
 */
export interface SentPieces {
  /** Pieces of `key` already sent (0 without a key). */
  from(key: string | undefined): number;
  /** `count` pieces of `key` are out. */
  record(key: string | undefined, count: number): void;
  /** Every piece of `key` is out: forget it. */
  done(key: string | undefined): void;
}

/** Keys kept at most (the oldest are forgotten first). */
const MAX_KEYS = 10_000;

export function createSentPieces(maxKeys = MAX_KEYS): SentPieces {
  const sent = new Map<string, number>();
  return {
    from: (key) => (key === undefined ? 0 : (sent.get(key) ?? 0)),
    record(key, count) {
      if (key === undefined) return;
      sent.delete(key);
      sent.set(key, count);
      if (sent.size > maxKeys) sent.delete(sent.keys().next().value!);
    },
    done(key) {
      if (key !== undefined) sent.delete(key);
    },
  };
}
