/**
 * Telegram's sending limits with an injected clock: about 30 messages a second overall and 20 a
 * minute per group. Each limit is a token bucket of capacity 1 (evenly spaced slots: it also holds
 * for a sliding window, which is how Telegram's limits behave). `reserve` books the next free slot
 * and says how long to wait, so concurrent senders never exceed the rate; a 429 pushes the
 * group's bucket back by retry_after.
 */
export interface TokenBucket {
  /** Books the first slot at or after `earliest` (default now); returns its time. */
  reserveAt(earliest?: number): number;
  /** When the next slot is free. */
  peek(): number;
  /** The next slot is at `t` exactly (a refused message used no slot: retry_after decides). */
  setNext(t: number): void;
  /** Nothing before `t` (a 429's retry_after, or a slot used later than booked). */
  holdUntil(t: number): void;
}

export function createTokenBucket(intervalMs: number, now: () => number): TokenBucket {
  let nextAt = -Infinity;
  return {
    reserveAt(earliest = now()) {
      const at = Math.max(nextAt, earliest, now());
      nextAt = at + intervalMs;
      return at;
    },
    peek: () => nextAt,
    setNext(t) {
      nextAt = t;
    },
    holdUntil(t) {
      nextAt = Math.max(nextAt, t);
    },
  };
}

export interface SendLimiter {
  /**
   * For one message to `chat`: while the group must wait, `{ waitMs, booked: false }` (no overall
   * slot is taken, so others are not held up); then an overall slot is booked and
   * `{ waitMs, booked: true }` says how long until it. Call again after waiting until booked.
   */
  reserve(chat: string): { waitMs: number; booked: boolean };
  /** A 429 for `chat`: its next message waits retry_after seconds. */
  retryAfter(chat: string, seconds: number): void;
}

export interface LimiterOptions {
  now: () => number;
  /** Default 29: just under Telegram's ~30 so that network jitter cannot push us over. */
  perSecond?: number;
  /** Default 20. */
  perGroupPerMinute?: number;
}

export function createSendLimiter(options: LimiterOptions): SendLimiter {
  const { now } = options;
  const global = createTokenBucket(1000 / (options.perSecond ?? 29), now);
  const perGroupMs = 60_000 / (options.perGroupPerMinute ?? 20);
  const groups = new Map<string, TokenBucket>();
  const bucket = (chat: string) => {
    let b = groups.get(chat);
    if (!b) {
      b = createTokenBucket(perGroupMs, now);
      groups.set(chat, b);
    }
    return b;
  };
  return {
    reserve(chat) {
      const t = now();
      const group = bucket(chat);
      const ready = group.peek();
      if (ready > t) return { waitMs: ready - t, booked: false };
      const at = global.reserveAt(t);
      group.holdUntil(at + perGroupMs);
      return { waitMs: at - t, booked: true };
    },
    retryAfter(chat, seconds) {
      bucket(chat).setNext(now() + seconds * 1000);
    },
  };
}
