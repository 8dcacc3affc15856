/**
 * The table channel_outbox (migration 14) as the reply outbox uses it: the shared lease/claim
 * rows (src/db/outbox-table.ts, one group per channel user) plus what replies need on top —
 * the head of one user's queue, pieces of a split message already out, the platform's
 * retry_after, and waking a channel's rows when it answers again.
 */
import { createOutboxTable, type Database, type OutboxTable } from "../db/index.ts";
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

export interface ReplyStore extends OutboxTable<ReplyRow> {
  /** Writes the replies, in order, due at once; one transaction. */
  enqueue(
    channel: ReplyChannelName,
    userId: string,
    messages: readonly OutgoingMessage[],
    at: Date,
    expiresAt: Date,
  ): void;
  /**
   * The user's first unfinished reply, locked until `at + leaseMs`, when no one holds it and the
   * platform's retry_after has passed (its backoff is not waited for: the user is writing now);
   * null otherwise, and then the later replies wait too.
   */
  claimHead(channel: ReplyChannelName, userId: string, at: Date, leaseMs: number): ReplyRow | null;
  /** `count` pieces are out; the lease is renewed to `lockedUntil`. */
  piecesSent(id: number, count: number, lockedUntil: Date): void;
  /** A failed attempt to be retried at `next`, not before `notBefore` (retry_after). */
  retryLater(id: number, r: { error: string; next: Date; notBefore: Date | null }): void;
  /** The channel answers again: its waiting rows become due now (retry_after still holds). */
  wake(channel: ReplyChannelName, at: Date): number;
  /** Unfinished, unlocked rows whose time ran out, oldest first. */
  expired(at: Date, limit: number): ReplyRow[];
}

export function createReplyStore(db: Database): ReplyStore {
  const table = createOutboxTable<ReplyRow>(db, {
    table: "channel_outbox",
    inOrderOf: ["channel", "user_id"],
    clearWhenDone: ["message"],
  });
  const insert = db.prepare<[string, string, string, string, string, string]>(
    `INSERT INTO channel_outbox (channel, user_id, message, created_at, expires_at, next_attempt_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const head = db.prepare<[string, string], ReplyRow>(
    `SELECT * FROM channel_outbox
     WHERE channel = ? AND user_id = ? AND sent_at IS NULL AND failed_at IS NULL
     ORDER BY id LIMIT 1`,
  );
  const lock = db.prepare<[string, number]>(
    `UPDATE channel_outbox SET locked_until = ? WHERE id = ?`,
  );
  const pieces = db.prepare<[number, string, number]>(
    `UPDATE channel_outbox SET pieces_sent = ?, locked_until = ? WHERE id = ?`,
  );
  const retry = db.prepare(
    `UPDATE channel_outbox SET attempts = attempts + 1, last_error = @error,
       next_attempt_at = @next, not_before = @notBefore, locked_until = NULL
     WHERE id = @id AND sent_at IS NULL`,
  );
  const wake = db.prepare<{ channel: string; at: string }>(
    `UPDATE channel_outbox SET next_attempt_at = max(@at, coalesce(not_before, @at))
     WHERE channel = @channel AND sent_at IS NULL AND failed_at IS NULL
       AND next_attempt_at > max(@at, coalesce(not_before, @at))`,
  );
  const expired = db.prepare<[string, string, number], ReplyRow>(
    `SELECT * FROM channel_outbox
     WHERE sent_at IS NULL AND failed_at IS NULL AND expires_at <= ?
       AND (locked_until IS NULL OR locked_until <= ?)
     ORDER BY id LIMIT ?`,
  );

  const enqueue = db.transaction(
    (
      channel: string,
      userId: string,
      messages: readonly OutgoingMessage[],
      at: Date,
      exp: Date,
    ) => {
      const iso = at.toISOString();
      for (const m of messages) {
        insert.run(channel, userId, JSON.stringify(m), iso, exp.toISOString(), iso);
      }
    },
  );
  const claimHead = db.transaction(
    (channel: string, userId: string, at: Date, leaseMs: number): ReplyRow | null => {
      const row = head.get(channel, userId);
      const iso = at.toISOString();
      if (!row || (row.locked_until !== null && row.locked_until > iso)) return null;
      if (row.not_before !== null && row.not_before > iso) return null;
      const until = new Date(at.getTime() + leaseMs).toISOString();
      lock.run(until, row.id);
      return { ...row, locked_until: until };
    },
  );

  return {
    ...table,
    enqueue: (channel, userId, messages, at, expiresAt) =>
      enqueue.immediate(channel, userId, messages, at, expiresAt),
    claimHead: (channel, userId, at, leaseMs) => claimHead.immediate(channel, userId, at, leaseMs),
    piecesSent: (id, count, lockedUntil) => void pieces.run(count, lockedUntil.toISOString(), id),
    retryLater(id, r) {
      retry.run({
        id,
        error: r.error,
        next: r.next.toISOString(),
        notBefore: r.notBefore?.toISOString() ?? null,
      });
    },
    wake: (channel, at) => wake.run({ channel, at: at.toISOString() }).changes,
    expired: (at, limit) => expired.all(at.toISOString(), at.toISOString(), limit),
  };
}
