/**
 * Messages a channel refused for good — outside Zalo's interaction window, a Telegram user who
 * blocked the bot — or that could not go out within the reply outbox's retry budget (the
 * platform unreachable for a day), kept in the database for staff to follow up another way (phone, the
 * 1022 hotline). Never retried automatically.
 */
import type { SqlDatabase, SqlExecutor, SqlValue } from "../db/index.ts";
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

export interface UndeliveredEntry {
  channel: ChannelName;
  userId: string;
  reason: UndeliveredReason;
  errorCode: string | number | null;
  text: string;
}

export interface UndeliveredLog {
  /** Records an entry; resolves to its id. */
  record(entry: UndeliveredEntry): Promise<number>;
  /**
   * Open (unresolved) entries, oldest first; all channels unless one is named; only one user's
   * (`userId`, with its channel) and only those recorded at or after `since` (ISO), when given.
   */
  listOpen(options?: {
    channel?: ChannelName;
    userId?: string;
    since?: string;
    limit?: number;
  }): Promise<UndeliveredMessage[]>;
  /** Marks an entry handled by staff; false if it does not exist or was already resolved. */
  resolve(id: number, staff: string): Promise<boolean>;
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

/** Records `entry` on `x` (the database, or a transaction of the caller's); resolves to its id. */
export async function recordUndelivered(
  x: SqlExecutor,
  entry: UndeliveredEntry,
  at: Date,
): Promise<number> {
  const row = await x.get<{ id: number }>(
    `INSERT INTO channel_undelivered (channel, user_id, reason, error_code, text, created_at)
     VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
    [
      entry.channel,
      entry.userId,
      entry.reason,
      entry.errorCode === null ? null : String(entry.errorCode),
      entry.text,
      at.toISOString(),
    ],
  );
  return row!.id;
}

const OPEN = `SELECT * FROM channel_undelivered WHERE resolved_at IS NULL`;

export function createUndeliveredLog(sql: SqlDatabase, now: () => Date): UndeliveredLog {
  return {
    // A transaction: on SQLite the INSERT … RETURNING then waits for the write lock like a write.
    record: (entry) => sql.transaction((tx) => recordUndelivered(tx, entry, now())),
    async listOpen(options = {}) {
      const limit = Math.max(1, Math.min(options.limit ?? 100, 1000));
      const where: string[] = [];
      const params: SqlValue[] = [];
      const filters = [
        ["channel = ?", options.channel],
        ["user_id = ?", options.userId],
        ["created_at >= ?", options.since],
      ] as const;
      for (const [clause, value] of filters) {
        if (value === undefined) continue;
        where.push(` AND ${clause}`);
        params.push(value);
      }
      const rows = await sql.all<Row>(`${OPEN}${where.join("")} ORDER BY created_at, id LIMIT ?`, [
        ...params,
        limit,
      ]);
      return rows.map((r) => ({
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
    async resolve(id, staff) {
      const result = await sql.run(
        `UPDATE channel_undelivered SET resolved_at = ?, resolved_by = ?
         WHERE id = ? AND resolved_at IS NULL`,
        [now().toISOString(), staff, id],
      );
      return result.changes === 1;
    },
  };
}
