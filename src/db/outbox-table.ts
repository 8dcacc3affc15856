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
import type { SqlDatabase, SqlExecutor } from "./sql.ts";

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

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/i;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new RangeError(`not an SQL identifier: ${name}`);
  return name;
}

/** An outbox table on SqlDatabase (SQLite or PostgreSQL). */
export interface SqlOutboxTable<Row> {
  /**
   * Up to `limit` due rows (`next_attempt_at` ≤ `at`, not locked, none behind an unfinished
   * earlier row of its group) of these channels, in id order, locked until `at + leaseMs`.
   * Reads first and takes the write lock only when there is something to claim. On PostgreSQL
   * rows another instance is claiming are skipped.
   */
  claim(channels: readonly string[], at: Date, limit: number, leaseMs: number): Promise<Row[]>;
  /** Sent: counts the attempt, lets go of the lock. False if it was already sent. */
  markSent(id: number, at: Date): Promise<boolean>;
  /** A failed attempt: counts it, records the error, lets go of the lock. */
  markFailure(id: number, failure: OutboxFailure): Promise<void>;
  /** Lets go of the lock without counting an attempt (the row was not tried). */
  release(id: number): Promise<void>;
  /** Rows neither sent nor failed, all channels. */
  pending(): Promise<number>;
  /** Deletes rows sent or failed before `before`; returns how many. */
  prune(before: Date): Promise<number>;
  /** The writes, on `tx` (inside a transaction of the caller's). */
  within(tx: SqlExecutor): Pick<SqlOutboxTable<Row>, "markSent" | "markFailure" | "release">;
}

export function createSqlOutboxTable<Row extends { id: number }>(
  sql: SqlDatabase,
  spec: OutboxTableSpec,
): SqlOutboxTable<Row> {
  const t = identifier(spec.table);
  const sameGroup = spec.inOrderOf.map((c) => `e.${identifier(c)} = o.${c}`).join(" AND ");
  const clear = (spec.clearWhenDone ?? []).map((c) => `, ${identifier(c)} = NULL`).join("");
  const due = (channels: readonly string[]) =>
    `SELECT o.id FROM ${t} o
     WHERE o.channel IN (${channels.map(() => "?").join(", ")})
       AND o.sent_at IS NULL AND o.failed_at IS NULL
       AND o.next_attempt_at <= ? AND (o.locked_until IS NULL OR o.locked_until <= ?)
       AND NOT EXISTS (SELECT 1 FROM ${t} e
                       WHERE ${sameGroup} AND e.id < o.id
                         AND e.sent_at IS NULL AND e.failed_at IS NULL)
     ORDER BY o.id LIMIT ?`;
  // PostgreSQL: rows another instance's claim holds are skipped, not waited for; that claim sets
  // locked_until, so they are not due any more once it commits.
  const skipLocked = sql.dialect === "postgres" ? " FOR UPDATE OF o SKIP LOCKED" : "";
  const markSent = `UPDATE ${t} SET sent_at = ?, locked_until = NULL, attempts = attempts + 1${clear}
     WHERE id = ? AND sent_at IS NULL`;
  const failure = (final: boolean) =>
    `UPDATE ${t} SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
       failed_at = ?, locked_until = NULL${final ? clear : ""}
     WHERE id = ? AND sent_at IS NULL`;
  const [retried, failed] = [failure(false), failure(true)];

  const writes = (x: SqlExecutor) => ({
    markSent: async (id: number, at: Date) =>
      (await x.run(markSent, [at.toISOString(), id])).changes === 1,
    async markFailure(id: number, f: OutboxFailure) {
      await x.run(f.failedAt === null ? retried : failed, [
        f.error,
        f.nextAttemptAt.toISOString(),
        f.failedAt?.toISOString() ?? null,
        id,
      ]);
    },
    async release(id: number) {
      await x.run(`UPDATE ${t} SET locked_until = NULL WHERE id = ?`, [id]);
    },
  });

  return {
    async claim(channels, at, limit, leaseMs) {
      if (channels.length === 0) return [];
      const iso = at.toISOString();
      // Reads first: the write lock (SQLite) is taken only when there is something to claim.
      if ((await sql.all(due(channels), [...channels, iso, iso, 1])).length === 0) return [];
      const until = new Date(at.getTime() + leaseMs).toISOString();
      const rows = await sql.transaction((tx) =>
        tx.all<Row>(
          `UPDATE ${t} SET locked_until = ?
           WHERE id IN (${due(channels)}${skipLocked}) RETURNING *`,
          [until, ...channels, iso, iso, limit],
        ),
      );
      return rows.sort((a, b) => a.id - b.id);
    },
    ...writes(sql),
    async pending() {
      const row = await sql.get<{ n: number }>(
        `SELECT count(*) AS n FROM ${t} WHERE sent_at IS NULL AND failed_at IS NULL`,
      );
      return row?.n ?? 0;
    },
    async prune(before) {
      return (
        await sql.run(`DELETE FROM ${t} WHERE coalesce(sent_at, failed_at) < ?`, [
          before.toISOString(),
        ])
      ).changes;
    },
    within: writes,
  };
}
