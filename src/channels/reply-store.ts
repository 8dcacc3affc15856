/**
 * The table channel_outbox (migration 14) as the reply outbox uses it: the shared lease/claim
 * rows (src/db/outbox-table.ts, one group per channel user) plus what replies need on top —
 * the head of one user's queue, pieces of a split message already out, the platform's
 * retry_after, and waking a channel's rows when it answers again.
 */
import {
  createSqlOutboxTable,
  type SqlDatabase,
  type SqlExecutor,
  type SqlOutboxTable,
} from "../db/index.ts";
import type { OutgoingMessage } from "./types.ts";

export type ReplyChannelName = "telegram" | "zalo";

export interface ReplyRow {
  id: number;
  channel: ReplyChannelName;
  user_id: string;
  /** JSON OutgoingMessage; null once the row is done. */
  message: string | null;
  pieces_sent: number;
  created_at: string;
  expires_at: string;
  attempts: number;
  next_attempt_at: string;
  not_before: string | null;
  locked_until: string | null;
  last_error: string | null;
  sent_at: string | null;
  failed_at: string | null;
}

export interface ReplyStore extends SqlOutboxTable<ReplyRow> {
  /** Writes the replies, in order, due at once; one transaction. Resolves to their ids. */
  enqueue(
    channel: ReplyChannelName,
    userId: string,
    messages: readonly OutgoingMessage[],
    at: Date,
    expiresAt: Date,
  ): Promise<number[]>;
  /** The user's replies neither sent nor given up. */
  waiting(channel: ReplyChannelName, userId: string): Promise<number>;
  /**
   * The user's first unfinished reply, locked until `at + leaseMs`, when no one holds it and the
   * platform's retry_after has passed (its backoff is not waited for: the user is writing now);
   * null otherwise, and then the later replies wait too. Of two instances asking at once, one
   * gets it.
   */
  claimHead(
    channel: ReplyChannelName,
    userId: string,
    at: Date,
    leaseMs: number,
  ): Promise<ReplyRow | null>;
  /** `count` pieces are out; the lease is renewed to `lockedUntil`. */
  piecesSent(id: number, count: number, lockedUntil: Date): Promise<void>;
  /** A failed attempt to be retried at `next`, not before `notBefore` (retry_after). */
  retryLater(id: number, r: { error: string; next: Date; notBefore: Date | null }): Promise<void>;
  /** The channel answers again: its waiting rows become due now (retry_after still holds). */
  wake(channel: ReplyChannelName, at: Date, x?: SqlExecutor): Promise<number>;
  /** Unfinished, unlocked rows whose time ran out, oldest first. */
  expired(at: Date, limit: number): Promise<ReplyRow[]>;
  /**
   * Closes an unfinished row for good (given up), on `x`; false when it was already done (sent,
   * or given up by another instance), and then nothing is to be recorded for it.
   */
  close(x: SqlExecutor, id: number, error: string, at: Date): Promise<boolean>;
}

const UNFINISHED = "sent_at IS NULL AND failed_at IS NULL";

export function createReplyStore(sql: SqlDatabase): ReplyStore {
  const table = createSqlOutboxTable<ReplyRow>(sql, {
    table: "channel_outbox",
    inOrderOf: ["channel", "user_id"],
    clearWhenDone: ["message"],
  });
  // PostgreSQL: the head row is locked while it is looked at, so two instances serving one user
  // at once take turns (READ COMMITTED re-reads locked_until once the first commits).
  const forUpdate = sql.dialect === "postgres" ? " FOR UPDATE" : "";

  return {
    ...table,
    enqueue(channel, userId, messages, at, exp) {
      const iso = at.toISOString();
      return sql.transaction(async (tx) => {
        const ids: number[] = [];
        for (const m of messages) {
          const row = await tx.get<{ id: number }>(
            `INSERT INTO channel_outbox
               (channel, user_id, message, created_at, expires_at, next_attempt_at)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
            [channel, userId, JSON.stringify(m), iso, exp.toISOString(), iso],
          );
          ids.push(row!.id);
        }
        return ids;
      });
    },
    async waiting(channel, userId) {
      const row = await sql.get<{ n: number }>(
        `SELECT count(*) AS n FROM channel_outbox
         WHERE channel = ? AND user_id = ? AND ${UNFINISHED}`,
        [channel, userId],
      );
      return row?.n ?? 0;
    },
    claimHead(channel, userId, at, leaseMs) {
      const iso = at.toISOString();
      return sql.transaction(async (tx) => {
        const row = await tx.get<ReplyRow>(
          `SELECT * FROM channel_outbox WHERE channel = ? AND user_id = ? AND ${UNFINISHED}
           ORDER BY id LIMIT 1${forUpdate}`,
          [channel, userId],
        );
        if (!row || (row.locked_until !== null && row.locked_until > iso)) return null;
        if (row.not_before !== null && row.not_before > iso) return null;
        const until = new Date(at.getTime() + leaseMs).toISOString();
        await tx.run(`UPDATE channel_outbox SET locked_until = ? WHERE id = ?`, [until, row.id]);
        return { ...row, locked_until: until };
      });
    },
    async piecesSent(id, count, lockedUntil) {
      await sql.run(`UPDATE channel_outbox SET pieces_sent = ?, locked_until = ? WHERE id = ?`, [
        count,
        lockedUntil.toISOString(),
        id,
      ]);
    },
    async retryLater(id, r) {
      await sql.run(
        `UPDATE channel_outbox SET attempts = attempts + 1, last_error = ?,
           next_attempt_at = ?, not_before = ?, locked_until = NULL
         WHERE id = ? AND sent_at IS NULL`,
        [r.error, r.next.toISOString(), r.notBefore?.toISOString() ?? null, id],
      );
    },
    async wake(channel, at, x = sql) {
      // The later of `at` and the row's retry_after (no max()/GREATEST() both engines know).
      const due = `CASE WHEN not_before IS NOT NULL AND not_before > ? THEN not_before ELSE ? END`;
      const iso = at.toISOString();
      const result = await x.run(
        `UPDATE channel_outbox SET next_attempt_at = ${due}
         WHERE channel = ? AND ${UNFINISHED} AND next_attempt_at > ${due}`,
        [iso, iso, channel, iso, iso],
      );
      return result.changes;
    },
    expired(at, limit) {
      const iso = at.toISOString();
      return sql.all<ReplyRow>(
        `SELECT * FROM channel_outbox
         WHERE ${UNFINISHED} AND expires_at <= ?
           AND (locked_until IS NULL OR locked_until <= ?)
         ORDER BY id LIMIT ?`,
        [iso, iso, limit],
      );
    },
    async close(x, id, error, at) {
      const iso = at.toISOString();
      const result = await x.run(
        `UPDATE channel_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
           failed_at = ?, locked_until = NULL, message = NULL
         WHERE id = ? AND ${UNFINISHED}`,
        [error, iso, iso, id],
      );
      return result.changes === 1;
    },
  };
}
