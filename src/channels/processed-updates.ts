/**
 * Webhook deliveries already taken, kept in the database so that a delivery the platform sends
 * again — to this instance or to another one behind the load balancer — is processed once:
 * the first `take` of an id inserts it (changes === 1) and processes it, every later one finds it
 * there and drops the delivery.
 *
 * One table for both channels (zalo_processed_messages, migration 4): Zalo's `msg_id` as it is,
 * Telegram's update id as "telegram:<update_id>" (Zalo's ids are hex or digits, never with a
 * colon, so the two never meet). Each channel prunes its own rows once the platform would not
 * send them again.
 */
import type { SqlDatabase } from "../db/index.ts";

export interface ProcessedUpdates {
  /** True the first time `id` is taken (by any instance); false for a repeat. */
  take(id: string | number, at: Date): Promise<boolean>;
  /** Forgets `id` (taken but not processed after all: a resend is then handled). */
  forget(id: string | number): Promise<void>;
  /** Deletes this channel's ids taken before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

const TELEGRAM_PREFIX = "telegram:";

export function createProcessedUpdates(
  sql: SqlDatabase,
  channel: "zalo" | "telegram",
): ProcessedUpdates {
  const key = (id: string | number) =>
    channel === "telegram" ? `${TELEGRAM_PREFIX}${id}` : String(id);
  const mine = channel === "telegram" ? "msg_id LIKE ?" : "msg_id NOT LIKE ?";
  return {
    async take(id, at) {
      const result = await sql.run(
        `INSERT INTO zalo_processed_messages (msg_id, received_at) VALUES (?, ?)
         ON CONFLICT (msg_id) DO NOTHING`,
        [key(id), at.toISOString()],
      );
      return result.changes === 1;
    },
    async forget(id) {
      await sql.run(`DELETE FROM zalo_processed_messages WHERE msg_id = ?`, [key(id)]);
    },
    async prune(before) {
      const result = await sql.run(
        `DELETE FROM zalo_processed_messages WHERE received_at < ? AND ${mine}`,
        [before.toISOString(), `${TELEGRAM_PREFIX}%`],
      );
      return result.changes;
    },
  };
}
