/**
 * Drains the notification outbox through the channel senders, with retries and backoff.
 *
 * No duplicates: a message is claimed under a lease (src/db/outbox-table.ts; two dispatchers never
 * send the same one), is marked sent once and never claimed again, and a case's messages go out in
 * order. A process that dies between a channel accepting a message and the "sent" mark would
 * resend it after the lease: senders get the idempotency key so channels that can deduplicate do.
 */
import {
  createOutboxTable,
  createSqlOutboxTable,
  type Database,
  type OutboxFailure,
  type SqlDatabase,
  type WriteGate,
} from "../db/index.ts";
import { maskPersonalData, scrubSecrets } from "../logger.ts";
import { toMessage, type OutboxMessage, type OutboxRow } from "./outbox.ts";
import { MotcuaError } from "../errors.ts";

export type NotificationSender = (message: OutboxMessage) => Promise<void>;

/** Thrown by a sender when retrying cannot help (the user blocked the bot, unknown chat…). */
export class PermanentDeliveryError extends MotcuaError {
  // Typed string: ZaloOutsideWindowError refines it.
  readonly code: string = "permanent_delivery_failure";
}

export interface DispatcherOptions {
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
  /**
   * The database's write gate (src/db/busy.ts): the mark after a send waits there, up to half the
   * lease, for a lock another connection holds, instead of counting a delivered message as failed
   * (and sending it again). Without one, marks run at once.
   */
  writes?: Pick<WriteGate, "run">;
}

/** The dispatcher on SqlDatabase (several instances on one PostgreSQL database, or SQLite). */
export interface SqlDispatcherOptions extends Omit<DispatcherOptions, "db" | "writes"> {
  sql: SqlDatabase;
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

export interface OutboxDispatcher {
  /** Claims due messages, sends them, records the outcome. */
  drainOnce(): Promise<DrainResult>;
  /** Pending (not sent, not failed) messages, all channels. */
  pending(): number;
}

const defaultBackoff = (failures: number) => Math.min(30_000 * 2 ** (failures - 1), 6 * 3600_000);

/** The table operations a drain needs, on either connection. */
interface DrainTable {
  claim(
    channels: readonly string[],
    at: Date,
    limit: number,
    leaseMs: number,
  ): Promise<OutboxRow[]>;
  markSent(id: number, at: Date): Promise<unknown>;
  markFailure(id: number, failure: OutboxFailure): Promise<void>;
}

function createDrain(
  deps: Omit<DispatcherOptions, "db" | "writes">,
  table: DrainTable,
): () => Promise<DrainResult> {
  const { now } = deps;
  const batchSize = deps.batchSize ?? 20;
  const leaseMs = deps.leaseMs ?? 60_000;
  const maxAttempts = deps.maxAttempts ?? 8;
  const backoff = deps.backoffMs ?? defaultBackoff;
  const channels = Object.keys(deps.senders);

  return async () => {
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
}

/** The dispatcher on the synchronous connection (legacy `db`). */
export function createOutboxDispatcher(deps: DispatcherOptions): OutboxDispatcher {
  const leaseMs = deps.leaseMs ?? 60_000;
  const mark = async <T>(op: () => T): Promise<T> =>
    deps.writes ? deps.writes.run(op, { budgetMs: leaseMs / 2 }) : op();
  const table = createOutboxTable<OutboxRow>(deps.db, {
    table: "feedback_outbox",
    inOrderOf: ["case_id"],
  });
  const drainOnce = createDrain(deps, {
    claim: async (...args) => table.claim(...args),
    markSent: (id, at) => mark(() => table.markSent(id, at)),
    markFailure: (id, f) => mark(() => table.markFailure(id, f)),
  });
  return { drainOnce, pending: () => table.pending() };
}

/**
 * The dispatcher on SqlDatabase: the same drain. Its marks need no write gate (a held SQLite lock
 * is waited out by the SqlDatabase itself, DatabaseBusyError after its budget).
 */
export function createSqlOutboxDispatcher(deps: SqlDispatcherOptions): SqlOutboxDispatcher {
  const table = createSqlOutboxTable<OutboxRow>(deps.sql, {
    table: "feedback_outbox",
    inOrderOf: ["case_id"],
  });
  return { drainOnce: createDrain(deps, table), pending: () => table.pending() };
}
