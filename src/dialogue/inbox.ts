/**
 * The web chat cannot be pushed to: its notifications are stored here (the "web" sender) and the
 * page fetches them (GET /api/chat/inbox, and with every reply of POST /api/chat). Each message is
 * stored once per outbox idempotency key and handed out once.
 */
import type { Database } from "../db/index.ts";
import type { ChannelName, ChannelSender, OutgoingMessage } from "../channels/index.ts";

export interface Inbox {
  /** The sender to register for the channel ("web"). */
  sender(channel: ChannelName): ChannelSender;
  /** Undelivered messages of the user, oldest first, marked delivered (at most `limit`). */
  take(channel: ChannelName, userId: string, limit?: number): OutgoingMessage[];
  pending(channel: ChannelName, userId: string): number;
  /**
   * Deletes the messages stored before `before`, handed out or not (a notification of a case
   * filed through the API has no chat to read it). Returns how many went.
   */
  prune(before: Date): number;
}

/** How long the web chat's notifications are kept. */
export const INBOX_KEEP_DAYS = 30;

export function createInbox(db: Database, now: () => Date): Inbox {
  const insert = db.prepare<[string, string, string | null, string, string]>(
    `INSERT INTO dialogue_inbox (channel, user_id, idempotency_key, message, created_at)
     VALUES (?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
  );
  const select = db.prepare<[string, string, number], { id: number; message: string }>(
    `SELECT id, message FROM dialogue_inbox
     WHERE channel = ? AND user_id = ? AND delivered_at IS NULL ORDER BY id LIMIT ?`,
  );
  const mark = db.prepare<[string, number]>(
    `UPDATE dialogue_inbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL`,
  );
  const count = db.prepare<[string, string], { n: number }>(
    `SELECT count(*) AS n FROM dialogue_inbox
     WHERE channel = ? AND user_id = ? AND delivered_at IS NULL`,
  );
  const prune = db.prepare<[string]>(`DELETE FROM dialogue_inbox WHERE created_at < ?`);
  const take = db.transaction((channel: string, userId: string, limit: number) => {
    const at = now().toISOString();
    const rows = select.all(channel, userId, limit);
    for (const r of rows) mark.run(at, r.id);
    return rows.map((r) => JSON.parse(r.message) as OutgoingMessage);
  });

  return {
    sender: (channel) => async (userId, message, meta) => {
      insert.run(
        channel,
        userId,
        meta?.idempotencyKey ?? null,
        JSON.stringify(message),
        now().toISOString(),
      );
    },
    take: (channel, userId, limit = 20) => take.immediate(channel, userId, limit),
    pending: (channel, userId) => count.get(channel, userId)!.n,
    prune: (before) => prune.run(before.toISOString()).changes,
  };
}
