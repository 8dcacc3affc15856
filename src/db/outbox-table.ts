/**
 * Rows of an outbox table handed out under a lease: the part the PAKN notification outbox
 * (src/feedback/dispatcher.ts) and the chat reply outbox (src/channels/reply-outbox.ts) share.
 *
 * The table has `id INTEGER PRIMARY KEY`, `channel`, `attempts`, `next_attempt_at`,
 * `locked_until`, `last_error`, `sent_at`, `failed_at` (ISO 8601 UTC), and the columns named in
 * `inOrderOf`: rows with the same values there go out in id order — a row is not handed out
 * while an earlier one of its group is neither sent nor failed (a case's notifications, a user's
 * replies). A claimed row is locked until the lease ends: two dispatchers never hold the same row,
 * and a dispatcher that died lets go of its rows when their lease runs out.
 */
import type { Database } from "./database.ts";

export interface OutboxTableSpec {
  /** A table name (letters, digits, `_`). */
  table: string;
  /** Columns whose equal values make a group delivered in order. */
  inOrderOf: readonly string[];
  /** Columns holding content that is not kept once a row is sent or failed (set to NULL). */
  clearWhenDone?: readonly string[];
}

export interface OutboxFailure {
  error: string;
  nextAttemptAt: Date;
  /** Set: given up for good at that time; null: retried at `nextAttemptAt`. */
  failedAt: Date | null;
}

export interface OutboxTable<Row> {
  /**
   * Up to `limit` due rows (`next_attempt_at` ≤ `at`, not locked, none behind an unfinished
   * earlier row of its group) of these channels, in id order, locked until `at + leaseMs`.
   * Reads first and takes the write lock only when there is something to claim.
   */
  claim(channels: readonly string[], at: Date, limit: number, leaseMs: number): Row[];
  /** Sent: counts the attempt, lets go of the lock. False if it was already sent. */
  markSent(id: number, at: Date): boolean;
  /** A failed attempt: counts it, records the error, lets go of the lock. */
  markFailure(id: number, failure: OutboxFailure): void;
  /** Lets go of the lock without counting an attempt (the row was not tried). */
  release(id: number): void;
  /** Rows neither sent nor failed, all channels. */
  pending(): number;
  /** Deletes rows sent or failed before `before`; returns how many. */
  prune(before: Date): number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/i;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new RangeError(`not an SQL identifier: ${name}`);
  return name;
}

export function createOutboxTable<Row extends { id: number }>(
  db: Database,
  spec: OutboxTableSpec,
): OutboxTable<Row> {
  const t = identifier(spec.table);
  const sameGroup = spec.inOrderOf.map((c) => `e.${identifier(c)} = o.${c}`).join(" AND ");
  const clear = (spec.clearWhenDone ?? []).map((c) => `, ${identifier(c)} = NULL`).join("");
  const clearIfFailed = (spec.clearWhenDone ?? [])
    .map((c) => `, ${c} = CASE WHEN @failedAt IS NULL THEN ${c} ELSE NULL END`)
    .join("");

  const selectDue = db.prepare<[string, string, string, number], Row>(
    `SELECT o.* FROM ${t} o, json_each(?) c
     WHERE o.channel = c.value AND o.sent_at IS NULL AND o.failed_at IS NULL
       AND o.next_attempt_at <= ? AND (o.locked_until IS NULL OR o.locked_until <= ?)
       AND NOT EXISTS (SELECT 1 FROM ${t} e
                       WHERE ${sameGroup} AND e.id < o.id
                         AND e.sent_at IS NULL AND e.failed_at IS NULL)
     ORDER BY o.id LIMIT ?`,
  );
  const lock = db.prepare<[string, number]>(`UPDATE ${t} SET locked_until = ? WHERE id = ?`);
  const markSent = db.prepare<[string, number]>(
    `UPDATE ${t} SET sent_at = ?, locked_until = NULL, attempts = attempts + 1${clear}
     WHERE id = ? AND sent_at IS NULL`,
  );
  const markFailure = db.prepare(
    `UPDATE ${t} SET attempts = attempts + 1, last_error = @error, next_attempt_at = @next,
       failed_at = @failedAt, locked_until = NULL${clearIfFailed}
     WHERE id = @id AND sent_at IS NULL`,
  );
  const release = db.prepare<[number]>(`UPDATE ${t} SET locked_until = NULL WHERE id = ?`);
  const countPending = db.prepare<[], { n: number }>(
    `SELECT count(*) AS n FROM ${t} WHERE sent_at IS NULL AND failed_at IS NULL`,
  );
  const prune = db.prepare<[string]>(`DELETE FROM ${t} WHERE coalesce(sent_at, failed_at) < ?`);

  const due = (channels: readonly string[], iso: string, limit: number) =>
    selectDue.all(JSON.stringify(channels), iso, iso, limit);
  const claim = db.transaction(
    (channels: readonly string[], at: Date, limit: number, leaseMs: number): Row[] => {
      const iso = at.toISOString();
      const rows = due(channels, iso, limit);
      const until = new Date(at.getTime() + leaseMs).toISOString();
      for (const r of rows) lock.run(until, r.id);
      return rows;
    },
  );

  return {
    claim(channels, at, limit, leaseMs) {
      if (channels.length === 0 || due(channels, at.toISOString(), 1).length === 0) return [];
      return claim.immediate(channels, at, limit, leaseMs);
    },
    markSent: (id, at) => markSent.run(at.toISOString(), id).changes === 1,
    markFailure(id, f) {
      markFailure.run({
        id,
        error: f.error,
        next: f.nextAttemptAt.toISOString(),
        failedAt: f.failedAt?.toISOString() ?? null,
      });
    },
    release: (id) => void release.run(id),
    pending: () => countPending.get()!.n,
    prune: (before) => prune.run(before.toISOString()).changes,
  };
}
