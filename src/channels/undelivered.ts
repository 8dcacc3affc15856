/**
 * Messages a channel refused for good — outside Zalo's interaction window, a Telegram user who
 * blocked the bot — or that could not go out within the reply outbox's retry budget (the
 * platform unreachable for a day), kept in SQLite for staff to follow up another way (phone, the
 * 1022 hotline). Never retried automatically.
 */
import type { Database } from "../db/index.ts";
import type { ChannelName } from "./types.ts";

export type UndeliveredReason = "outside_window" | "blocked" | "rejected" | "expired";

export interface UndeliveredMessage {
  id: number;
  channel: ChannelName;
  userId: string;
  reason: UndeliveredReason;
  errorCode: string | null;
  text: string;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

export interface UndeliveredLog {
  record(entry: {
    channel: ChannelName;
    userId: string;
    reason: UndeliveredReason;
    errorCode: string | number | null;
    text: string;
  }): number;
  /** Open (unresolved) entries, oldest first; all channels unless one is named. */
  listOpen(options?: { channel?: ChannelName; limit?: number }): UndeliveredMessage[];
  /** Marks an entry handled by staff; false if it does not exist or was already resolved. */
  resolve(id: number, staff: string): boolean;
}

interface Row {
  id: number;
  channel: ChannelName;
  user_id: string;
  reason: UndeliveredReason;
  error_code: string | null;
  text: string;
  created_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
}

export function createUndeliveredLog(db: Database, now: () => Date): UndeliveredLog {
  const insert = db.prepare<[string, string, string, string | null, string, string]>(
    `INSERT INTO channel_undelivered (channel, user_id, reason, error_code, text, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const open = db.prepare<[string | null, string | null, number], Row>(
    `SELECT * FROM channel_undelivered
     WHERE resolved_at IS NULL AND (? IS NULL OR channel = ?)
     ORDER BY created_at, id LIMIT ?`,
  );
  const markResolved = db.prepare<[string, string, number]>(
    `UPDATE channel_undelivered SET resolved_at = ?, resolved_by = ?
     WHERE id = ? AND resolved_at IS NULL`,
  );
  return {
    record(entry) {
      const result = insert.run(
        entry.channel,
        entry.userId,
        entry.reason,
        entry.errorCode === null ? null : String(entry.errorCode),
        entry.text,
        now().toISOString(),
      );
      return Number(result.lastInsertRowid);
    },
    listOpen(options = {}) {
      const channel = options.channel ?? null;
      const limit = Math.max(1, Math.min(options.limit ?? 100, 1000));
      return open.all(channel, channel, limit).map((r) => ({
        id: r.id,
        channel: r.channel,
        userId: r.user_id,
        reason: r.reason,
        errorCode: r.error_code,
        text: r.text,
        createdAt: r.created_at,
        resolvedAt: r.resolved_at,
        resolvedBy: r.resolved_by,
      }));
    },
    resolve(id, staff) {
      return markResolved.run(now().toISOString(), staff, id).changes === 1;
    },
  };
}
