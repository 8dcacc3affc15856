/**
 * Drains the notification outbox through the channel senders, with retries and backoff.
 *
 * No duplicates: a message is claimed under a lease (two dispatchers never send the same one), is
 * marked sent once and never claimed again, and a case's messages go out in order. A process that
 * dies between a channel accepting a message and the "sent" mark would resend it after the lease:
 * senders get the idempotency key so channels that can deduplicate do.
 */
import type { Database } from "../db/index.ts";
import { maskPersonalData, scrubSecrets } from "../logger.ts";
import { toMessage, type OutboxMessage, type OutboxRow } from "./outbox.ts";
import { MotcuaError } from "../errors.ts";

export type NotificationSender = (message: OutboxMessage) => Promise<void>;

/** Thrown by a sender when retrying cannot help (the user blocked the bot, unknown chat…). */
export class PermanentDeliveryError extends MotcuaError {
  // Typed string: ZaloOutsideWindowError refines it.
  readonly code: string = "permanent_delivery_failure";
}

export interface DispatcherDeps {
  db: Database;
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

export interface DrainResult {
  sent: number;
  retried: number;
  failed: number;
}

export interface OutboxDispatcher {
  /** Claims due messages, sends them, records the outcome. */
  drainOnce(): Promise<DrainResult>;
  /** Pending (not sent, not failed) messages, all channels. */
  pending(): number;
}

const defaultBackoff = (failures: number) => Math.min(30_000 * 2 ** (failures - 1), 6 * 3600_000);

export function createOutboxDispatcher(deps: DispatcherDeps): OutboxDispatcher {
  const { db, now } = deps;
  const batchSize = deps.batchSize ?? 20;
  const leaseMs = deps.leaseMs ?? 60_000;
  const maxAttempts = deps.maxAttempts ?? 8;
  const backoff = deps.backoffMs ?? defaultBackoff;
  const channels = Object.keys(deps.senders);

  const selectDue = db.prepare<[string, string, string, number], OutboxRow>(
    `SELECT o.* FROM feedback_outbox o, json_each(?) c
     WHERE o.channel = c.value AND o.sent_at IS NULL AND o.failed_at IS NULL
       AND o.next_attempt_at <= ? AND (o.locked_until IS NULL OR o.locked_until <= ?)
       AND NOT EXISTS (SELECT 1 FROM feedback_outbox e
                       WHERE e.case_id = o.case_id AND e.id < o.id
                         AND e.sent_at IS NULL AND e.failed_at IS NULL)
     ORDER BY o.id LIMIT ?`,
  );
  const lock = db.prepare<[string, number]>(
    `UPDATE feedback_outbox SET locked_until = ? WHERE id = ?`,
  );
  const markSent = db.prepare<[string, number]>(
    `UPDATE feedback_outbox SET sent_at = ?, locked_until = NULL, attempts = attempts + 1
     WHERE id = ? AND sent_at IS NULL`,
  );
  const markFailure = db.prepare<[string, string, string | null, number]>(
    `UPDATE feedback_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
       failed_at = ?, locked_until = NULL
     WHERE id = ? AND sent_at IS NULL`,
  );
  const countPending = db.prepare<[], { n: number }>(
    `SELECT count(*) AS n FROM feedback_outbox WHERE sent_at IS NULL AND failed_at IS NULL`,
  );

  const claim = db.transaction((at: Date): OutboxRow[] => {
    const iso = at.toISOString();
    const rows = selectDue.all(JSON.stringify(channels), iso, iso, batchSize);
    const until = new Date(at.getTime() + leaseMs).toISOString();
    for (const r of rows) lock.run(until, r.id);
    return rows;
  });

  return {
    async drainOnce() {
      const result: DrainResult = { sent: 0, retried: 0, failed: 0 };
      if (channels.length === 0) return result;
      const rows = claim.immediate(now());
      for (const row of rows) {
        let message: ReturnType<typeof toMessage>;
        try {
          message = toMessage(row);
        } catch {
          // A corrupt row must not hold back the rest: it fails for good.
          const at = now().toISOString();
          markFailure.run("unreadable payload", at, at, row.id);
          result.failed++;
          continue;
        }
        const send = deps.senders[row.channel];
        try {
          if (!send) throw new PermanentDeliveryError(`no sender for channel ${row.channel}`);
          await send(message);
          markSent.run(now().toISOString(), row.id);
          result.sent++;
        } catch (err) {
          deps.onError?.(err, message);
          const failures = row.attempts + 1;
          const at = now();
          const permanent = err instanceof PermanentDeliveryError || failures >= maxAttempts;
          const reason = scrubSecrets(
            maskPersonalData(err instanceof Error ? err.message : String(err)),
          );
          markFailure.run(
            reason.slice(0, 500),
            new Date(at.getTime() + backoff(failures)).toISOString(),
            permanent ? at.toISOString() : null,
            row.id,
          );
          if (permanent) result.failed++;
          else result.retried++;
        }
      }
      return result;
    },
    pending: () => countPending.get()!.n,
  };
}
