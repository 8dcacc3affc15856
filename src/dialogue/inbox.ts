/**
 * The web chat cannot be pushed to: its notifications are stored here (the "web" sender) and the
 * page fetches them (GET /api/chat/inbox, and with every reply of POST /api/chat). Each message is
 * stored once per outbox idempotency key and handed out once, whichever instance the page's
 * requests reach (PostgreSQL: the rows taken are locked, FOR UPDATE SKIP LOCKED, so two polls at
 * once never hand out the same message).
 */
import type { SqlDatabase } from "../db/index.ts";
import type { ChannelName, ChannelSender, OutgoingMessage } from "../channels/index.ts";

export interface Inbox {
  /** The sender to register for the channel ("web"). */
  sender(channel: ChannelName): ChannelSender;
  /** Undelivered messages of the user, oldest first, marked delivered (at most `limit`). */
  take(channel: ChannelName, userId: string, limit?: number): Promise<OutgoingMessage[]>;
  pending(channel: ChannelName, userId: string): Promise<number>;
  /**
   * Deletes the messages stored before `before`, handed out or not (a notification of a case
   * filed through the API has no chat to read it). Returns how many went.
   */
  prune(before: Date): Promise<number>;
}

/** How long the web chat's notifications are kept. */
export const INBOX_KEEP_DAYS = 30;

const PENDING = `FROM dialogue_inbox WHERE channel = ? AND user_id = ? AND delivered_at IS NULL`;

export function createInbox(sql: SqlDatabase, now: () => Date): Inbox {
  const skipLocked = sql.dialect === "postgres" ? " FOR UPDATE SKIP LOCKED" : "";
  const select = `SELECT id, message ${PENDING} ORDER BY id LIMIT ?${skipLocked}`;

  return {
    sender: (channel) => async (userId, message, meta) => {
      await sql.run(
        `INSERT INTO dialogue_inbox (channel, user_id, idempotency_key, message, created_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
        [
          channel,
          userId,
          meta?.idempotencyKey ?? null,
          JSON.stringify(message),
          now().toISOString(),
        ],
      );
    },
    async take(channel, userId, limit = 20) {
      // Reads first: the write lock (SQLite) is taken only when there is something to hand out.
      if (!(await sql.get(`SELECT id ${PENDING} LIMIT 1`, [channel, userId]))) return [];
      return sql.transaction(async (tx) => {
        const at = now().toISOString();
        const rows = await tx.all<{ id: number; message: string }>(select, [
          channel,
          userId,
          limit,
        ]);
        for (const r of rows) {
          await tx.run(
            `UPDATE dialogue_inbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL`,
            [at, r.id],
          );
        }
        return rows.map((r) => JSON.parse(r.message) as OutgoingMessage);
      });
    },
    async pending(channel, userId) {
      const row = await sql.get<{ n: number }>(`SELECT count(*) AS n ${PENDING}`, [
        channel,
        userId,
      ]);
      return Number(row?.n ?? 0);
    },
    async prune(before) {
      const info = await sql.run(`DELETE FROM dialogue_inbox WHERE created_at < ?`, [
        before.toISOString(),
      ]);
      return info.changes;
    },
  };
}
