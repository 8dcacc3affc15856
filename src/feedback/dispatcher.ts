/**
 * Drains the notification outbox through the channel senders, with retries and backoff.
 *
 * No duplicates: a message is claimed under a lease (src/db/outbox-table.ts; two dispatchers never
 * send the same one, on PostgreSQL not even two instances'), is marked sent once and never claimed
 * again, and a case's messages go out in order. A process that dies between a channel accepting a
 * message and the "sent" mark would resend it after the lease: senders get the idempotency key so
 * channels that can deduplicate do.
 */
import { createSqlOutboxTable, type SqlDatabase } from "../db/index.ts";
import { maskPersonalData, scrubSecrets } from "../logger.ts";
import { toMessage, type OutboxMessage, type OutboxRow } from "./outbox.ts";
import { MotcuaError } from "../errors.ts";

export type NotificationSender = (message: OutboxMessage) => Promise<void>;

/** Thrown by a sender when retrying cannot help (the user blocked the bot, unknown chat…). */
export class PermanentDeliveryError extends MotcuaError {
  // Typed string: ZaloOutsideWindowError refines it.
  readonly code: string = "permanent_delivery_failure";
}

export interface SqlDispatcherOptions {
  sql: SqlDatabase;
  now: () => Date;
  /** One sender per channel; messages for other channels wait until one is registered. */
  senders: Readonly<Record<string, NotificationSender>>;
  batchSize?: number;
  /** How long a claimed message stays reserved for this dispatcher. Default 60 s. */
  leaseMs?: number;
  /** Attempts before giving up (failed_at is set). Default 8. */
  maxAttempts?: number;
  /** Delay before attempt n + 1 after n failures. Default 30 s × 2^(n−1), at most 6 h. */
  backoffMs?: (failures: number) => number;
  onError?: (err: unknown, message: OutboxMessage) => void;
}

export interface SqlOutboxDispatcher {
  /**
   * Claims due messages, sends them, records the outcome. On PostgreSQL two instances' drains
   * never claim the same message (FOR UPDATE SKIP LOCKED, then the lease).
   */
  drainOnce(): Promise<DrainResult>;
  /** Pending (not sent, not failed) messages, all channels. */
  pending(): Promise<number>;
}

export interface DrainResult {
  sent: number;
  retried: number;
  failed: number;
}

const defaultBackoff = (failures: number) => Math.min(30_000 * 2 ** (failures - 1), 6 * 3600_000);

/**
 * The dispatcher on SqlDatabase. A held SQLite lock is waited out by the SqlDatabase itself
 * (DatabaseBusyError after its budget); a mark that fails after a send is not a failed delivery.
 */
export function createSqlOutboxDispatcher(deps: SqlDispatcherOptions): SqlOutboxDispatcher {
  const { now } = deps;
  const table = createSqlOutboxTable<OutboxRow>(deps.sql, {
    table: "feedback_outbox",
    inOrderOf: ["case_id"],
  });
  const batchSize = deps.batchSize ?? 20;
  const leaseMs = deps.leaseMs ?? 60_000;
  const maxAttempts = deps.maxAttempts ?? 8;
  const backoff = deps.backoffMs ?? defaultBackoff;
  const channels = Object.keys(deps.senders);

  const drainOnce = async () => {
    const result: DrainResult = { sent: 0, retried: 0, failed: 0 };
    if (channels.length === 0) return result;
    const rows = await table.claim(channels, now(), batchSize, leaseMs);
    for (const row of rows) {
      let message: ReturnType<typeof toMessage>;
      try {
        message = toMessage(row);
      } catch {
        // A corrupt row must not hold back the rest: it fails for good.
        const at = now();
        await table.markFailure(row.id, {
          error: "unreadable payload",
          nextAttemptAt: at,
          failedAt: at,
        });
        result.failed++;
        continue;
      }
      const send = deps.senders[row.channel];
      let delivered = false;
      try {
        if (!send) throw new PermanentDeliveryError(`no sender for channel ${row.channel}`);
        await send(message);
        delivered = true;
      } catch (err) {
        deps.onError?.(err, message);
        const failures = row.attempts + 1;
        const at = now();
        const permanent = err instanceof PermanentDeliveryError || failures >= maxAttempts;
        const reason = scrubSecrets(
          maskPersonalData(err instanceof Error ? err.message : String(err)),
        );
        await table.markFailure(row.id, {
          error: reason.slice(0, 500),
          nextAttemptAt: new Date(at.getTime() + backoff(failures)),
          failedAt: permanent ? at : null,
        });
        if (permanent) result.failed++;
        else result.retried++;
      }
      // Out of the try: a mark that fails is not a failed delivery. The row stays leased and is
      // sent again after the lease (with its idempotency key) only if the mark never goes in.
      if (delivered) {
        await table.markSent(row.id, now());
        result.sent++;
      }
    }
    return result;
  };
  return { drainOnce, pending: () => table.pending() };
}
