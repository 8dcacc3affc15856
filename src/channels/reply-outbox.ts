/**
 * Replies to Telegram and Zalo users through a durable outbox (table channel_outbox): a turn's
 * answers are written first, then sent at once, after the user's earlier replies. What the
 * platform does not take — network error, 5xx, 429 — stays in the table, and the dispatcher
 * (`start()`, a timer the composition root starts) retries it with backoff, never before the
 * platform's retry_after. So an outage of minutes loses no answer:
 *
 *   const outbox = createReplyOutbox({ sql, now, logger });
 *   outbox.register("telegram", telegram.replyChannel);
 *   await outbox.send("telegram", chatId, replies); // never throws for a failed delivery
 *   outbox.start(); … await outbox.stop();
 *
 * Nothing twice: a row is sent under a lease (src/db/outbox-table.ts), one user's replies in
 * order — also with several instances on one PostgreSQL database: a row is claimed by one of
 * them, and a user's next reply waits until the one before it is done — and the pieces of a split message already out are recorded on the row, so a retry goes
 * on from the first piece that failed. Only a process dying between the platform taking a piece
 * and the row being updated resends that piece (once its lease has run out).
 *
 * Given up, recorded in channel_undelivered for staff and never retried: refusals retrying cannot
 * cure (bot blocked, chat not found, Zalo's interaction window closed, a malformed message), and
 * replies still not out after the retry budget (24 h; for Zalo at most its interaction window).
 * Once sent or given up a row's message is cleared; done rows are deleted after `keepDays`.
 *
 * What a sender learns (the hand-over tells its officers, src/handoff/senders.ts): `send` resolves
 * to what became of the replies by then — "sent", "queued" (kept for a retry) or "undelivered" —
 * and `onUndelivered` listeners hear of each reply given up, at once or by a later drain, once it
 * is recorded and on the one instance that gave it up.
 */
import { isBusyError, type SqlDatabase } from "../db/index.ts";
import { maskPersonalData, scrubSecrets, type Logger } from "../logger.ts";
import { createReplyStore, type ReplyChannelName, type ReplyRow } from "./reply-store.ts";
import { maskUserId } from "./turn.ts";
import type { OutgoingMessage } from "./types.ts";
import { recordUndelivered, type UndeliveredReason } from "./undelivered.ts";

export type { ReplyChannelName } from "./reply-store.ts";

/** What a failed delivery means: try again later, or give up for good. */
export type ReplyFailure =
  | { retry: true; code: string; retryAfterMs?: number }
  | { retry: false; code: string; reason: UndeliveredReason };

/** What a channel lends the outbox. */
export interface ReplyChannel {
  /** The texts of the pieces `message` goes out as. */
  pieces(message: OutgoingMessage): string[];
  /**
   * Sends the pieces from index `from` on, calling `sent(n)` once n pieces are out. Tries each
   * piece once, within a bounded time: the outbox does the retrying.
   */
  deliver(
    userId: string,
    message: OutgoingMessage,
    from: number,
    sent: (count: number) => Promise<void> | void,
  ): Promise<void>;
  classify(err: unknown): ReplyFailure;
  /** A reply older than this cannot go out any more (Zalo's interaction window). */
  maxAgeMs?: number;
}

/** What became of the replies handed to `send`: all out, kept for a retry, or one given up. */
export type ReplyDelivery = "sent" | "queued" | "undelivered";

/** A reply given up, as recorded in channel_undelivered (the pieces that did not go out). */
export interface UndeliveredReply {
  channel: ReplyChannelName;
  userId: string;
  reason: UndeliveredReason;
  text: string;
}

export interface ReplyDrainResult {
  sent: number;
  retried: number;
  undelivered: number;
}

export interface ReplyOutbox {
  register(channel: ReplyChannelName, replyChannel: ReplyChannel): void;
  /**
   * Records the replies and sends them now, after the user's earlier ones. Resolves once they are
   * out, kept for a retry, or recorded undelivered, to which of these (one given up: undelivered;
   * one kept: queued): never throws for a failed delivery.
   */
  send(
    channel: ReplyChannelName,
    userId: string,
    messages: readonly OutgoingMessage[],
  ): Promise<ReplyDelivery>;
  /**
   * `listener` is called for each reply this outbox gives up, after it is recorded (awaited;
   * what it throws is logged).
   */
  onUndelivered(listener: (reply: UndeliveredReply) => Promise<void> | void): void;
  /** The user's replies neither sent nor given up. */
  waiting(channel: ReplyChannelName, userId: string): Promise<number>;
  /** Gives up expired rows, then sends what is due, round after round while it goes out. */
  drainOnce(): Promise<ReplyDrainResult>;
  /** Replies neither sent nor given up. */
  pending(): Promise<number>;
  /** Deletes rows done more than `keepDays` ago; returns how many. */
  prune(): Promise<number>;
  /** Drains every `drainEveryMs` and prunes every hour, until stop(). */
  start(): void;
  /** Stops the timer and waits for a drain under way. */
  stop(): Promise<void>;
}

export interface ReplyOutboxOptions {
  /** SQLite waits for another connection's write lock there, without blocking the loop. */
  sql: SqlDatabase;
  now: () => Date;
  logger: Logger;
  /** A reply not out after this is recorded undelivered. Default 24 h. */
  retryBudgetMs?: number;
  /** Delay before attempt n + 1 after n failures. Default 2 s × 2^(n−1), at most 1 min. */
  backoffMs?: (failures: number) => number;
  /** How long a row being sent stays reserved (renewed after each piece). Default 60 s. */
  leaseMs?: number;
  /** Done rows kept this many days. Default 7. */
  keepDays?: number;
  /** Default 2 s. */
  drainEveryMs?: number;
  /** Users served at once by a drain. Default 8. */
  concurrency?: number;
}

export const REPLY_RETRY_BUDGET_MS = 24 * 3600_000;
export const REPLY_KEEP_DAYS = 7;

const defaultBackoff = (failures: number) => Math.min(2000 * 2 ** (failures - 1), 60_000);
const BATCH = 100;
const MAX_ROUNDS = 50;
const PRUNE_EVERY_MS = 3600_000;

type Outcome = "sent" | "retried" | "undelivered";

export function createReplyOutbox(deps: ReplyOutboxOptions): ReplyOutbox {
  const { sql, now, logger } = deps;
  const budgetMs = deps.retryBudgetMs ?? REPLY_RETRY_BUDGET_MS;
  const backoff = deps.backoffMs ?? defaultBackoff;
  const leaseMs = deps.leaseMs ?? 60_000;
  const keepMs = (deps.keepDays ?? REPLY_KEEP_DAYS) * 86_400_000;
  const concurrency = Math.max(1, deps.concurrency ?? 8);
  const store = createReplyStore(sql);
  const channels = new Map<ReplyChannelName, ReplyChannel>();
  const listeners: ((reply: UndeliveredReply) => Promise<void> | void)[] = [];

  const maxAge = (channel: ReplyChannelName) =>
    Math.min(budgetMs, channels.get(channel)?.maxAgeMs ?? Number.POSITIVE_INFINITY);
  const expiryReason = (channel: ReplyChannelName): UndeliveredReason =>
    maxAge(channel) < budgetMs ? "outside_window" : "expired";
  const later = (ms: number) => new Date(now().getTime() + ms);
  const describe = (err: unknown) =>
    scrubSecrets(maskPersonalData(err instanceof Error ? err.message : String(err))).slice(0, 300);

  function parse(row: ReplyRow): OutgoingMessage | null {
    try {
      const m = JSON.parse(row.message ?? "null") as OutgoingMessage | null;
      return m !== null && typeof m.text === "string" ? m : null;
    } catch {
      return null;
    }
  }

  /**
   * Closes the row and records what did not go out for staff, in one transaction; nothing when
   * the row was already done (another instance gave it up first).
   */
  async function giveUp(
    row: ReplyRow,
    reason: UndeliveredReason,
    code: string,
    error: string,
    sent: number,
  ): Promise<void> {
    const message = parse(row);
    const channel = channels.get(row.channel);
    const pieces = message && channel ? channel.pieces(message) : [];
    const text = pieces.length > 0 ? pieces.slice(sent).join("\n\n") : (message?.text ?? "");
    const at = now();
    const closed = await sql.transaction(async (tx) => {
      if (!(await store.close(tx, row.id, error, at))) return false;
      const entry = { channel: row.channel, userId: row.user_id, reason, errorCode: code, text };
      await recordUndelivered(tx, entry, at);
      return true;
    });
    if (!closed) return;
    logger.warn(
      { channel: row.channel, user: maskUserId(row.channel, row.user_id), reason, code },
      "reply undelivered: recorded for staff",
    );
    for (const listener of listeners) {
      try {
        await listener({ channel: row.channel, userId: row.user_id, reason, text });
      } catch (err) {
        logger.error({ err, channel: row.channel }, "undelivered reply listener failed");
      }
    }
  }

  async function attempt(row: ReplyRow): Promise<Outcome> {
    const channel = channels.get(row.channel);
    const message = parse(row);
    if (!channel || !message) {
      await giveUp(row, "rejected", "unreadable", "unreadable message", 0);
      return "undelivered";
    }
    if (now().toISOString() >= row.expires_at) {
      await giveUp(
        row,
        expiryReason(row.channel),
        "expired",
        "retry budget spent",
        row.pieces_sent,
      );
      return "undelivered";
    }
    let sent = row.pieces_sent;
    try {
      await channel.deliver(row.user_id, message, sent, async (count) => {
        sent = count;
        await store.piecesSent(row.id, count, later(leaseMs));
      });
    } catch (err) {
      const failure = channel.classify(err);
      if (!failure.retry) {
        await giveUp(row, failure.reason, failure.code, describe(err), sent);
        return "undelivered";
      }
      const at = now().getTime();
      const wait = failure.retryAfterMs ?? 0;
      await store.retryLater(row.id, {
        error: `${failure.code}: ${describe(err)}`.slice(0, 300),
        next: new Date(at + Math.max(backoff(row.attempts + 1), wait)),
        notBefore: wait > 0 ? new Date(at + wait) : null,
      });
      logger.info(
        {
          channel: row.channel,
          user: maskUserId(row.channel, row.user_id),
          code: failure.code,
          attempts: row.attempts + 1,
          piecesSent: sent,
        },
        "reply not sent: kept for a retry",
      );
      return "retried";
    }
    await store.markSent(row.id, now());
    // It answers again after failing: what waits on this channel need not sit out its backoff.
    if (row.attempts > 0) await store.wake(row.channel, now());
    return "sent";
  }

  /**
   * Sends the user's waiting replies in order, stopping at one that must wait; what became of
   * each row tried goes into `outcomes`.
   */
  async function flush(
    channel: ReplyChannelName,
    userId: string,
    outcomes: Map<number, Outcome>,
  ): Promise<void> {
    for (;;) {
      const row = await store.claimHead(channel, userId, now(), leaseMs);
      if (!row) return;
      const outcome = await attempt(row);
      outcomes.set(row.id, outcome);
      if (outcome === "retried") return;
    }
  }

  async function expireDue(): Promise<number> {
    const rows = await store.expired(now(), BATCH);
    for (const row of rows) {
      await giveUp(
        row,
        expiryReason(row.channel),
        "expired",
        "retry budget spent",
        row.pieces_sent,
      );
    }
    return rows.length;
  }

  /** Runs `work` over `items`, `concurrency` at a time. */
  async function pool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await work(items[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  }

  async function drainOnce(): Promise<ReplyDrainResult> {
    const result: ReplyDrainResult = { sent: 0, retried: 0, undelivered: 0 };
    result.undelivered = await expireDue();
    const names = [...channels.keys()];
    // Channels that answered in this drain. Until one does, a single reply probes it: during an
    // outage a drain costs one try per channel, not one per waiting reply.
    const answering = new Set<ReplyChannelName>();
    for (let round = 0; round < MAX_ROUNDS; round++) {
      // At most one row per user: a user's next reply waits for the one before it.
      const rows = await store.claim(names, now(), BATCH, leaseMs);
      if (rows.length === 0) break;
      let progress = false;
      const run = async (row: ReplyRow) => {
        const outcome = await attempt(row);
        result[outcome]++;
        if (outcome !== "retried") progress = true;
        return outcome;
      };
      await Promise.all(
        names.map(async (name) => {
          let list = rows.filter((r) => r.channel === name);
          if (list.length > 0 && !answering.has(name)) {
            if ((await run(list[0]!)) === "retried") {
              for (const r of list.slice(1)) await store.release(r.id);
              return;
            }
            answering.add(name);
            list = list.slice(1);
          }
          await pool(list, async (row) => void (await run(row)));
        }),
      );
      if (!progress) break;
    }
    return result;
  }

  let timer: NodeJS.Timeout | null = null;
  let draining: Promise<unknown> | null = null;
  let lastPrune = Number.NEGATIVE_INFINITY;

  function tick() {
    if (draining) return;
    draining = (async () => {
      if (now().getTime() - lastPrune >= PRUNE_EVERY_MS) {
        lastPrune = now().getTime();
        await store.prune(new Date(lastPrune - keepMs));
      }
      await drainOnce();
    })()
      .catch((err: unknown) => {
        // Another connection held SQLite's lock past its budget: the next tick drains.
        if (isBusyError(err)) logger.warn({ err }, "reply outbox drain skipped: database busy");
        else logger.error({ err }, "reply outbox drain failed");
      })
      .finally(() => (draining = null));
  }

  return {
    register(channel, replyChannel) {
      channels.set(channel, replyChannel);
    },
    async send(channel, userId, messages) {
      if (messages.length === 0) return "sent";
      const replyChannel = channels.get(channel);
      if (!replyChannel) throw new RangeError(`no reply channel registered for ${channel}`);
      const at = now();
      let ids: number[];
      try {
        ids = await store.enqueue(
          channel,
          userId,
          messages,
          at,
          new Date(at.getTime() + maxAge(channel)),
        );
      } catch (err) {
        // The database cannot take it: one try without the outbox rather than none.
        logger.error(
          { err, channel, user: maskUserId(channel, userId) },
          "reply outbox not written: sending once without retries",
        );
        let lost = false;
        for (const m of messages) {
          await replyChannel
            .deliver(userId, m, 0, () => undefined)
            .catch((e: unknown) => {
              lost = true;
              logger.error({ channel, code: replyChannel.classify(e).code }, "reply lost");
            });
        }
        return lost ? "undelivered" : "sent";
      }
      const outcomes = new Map<number, Outcome>();
      await flush(channel, userId, outcomes).catch((err: unknown) => {
        logger.error(
          { err, channel, user: maskUserId(channel, userId) },
          "reply outbox failed while sending: the dispatcher retries",
        );
      });
      // Not tried (another instance holds the user's head reply) counts as kept for a retry.
      const got = ids.map((id) => outcomes.get(id));
      if (got.includes("undelivered")) return "undelivered";
      return got.every((o) => o === "sent") ? "sent" : "queued";
    },
    onUndelivered(listener) {
      listeners.push(listener);
    },
    waiting: (channel, userId) => store.waiting(channel, userId),
    drainOnce,
    pending: () => store.pending(),
    prune: () => store.prune(new Date(now().getTime() - keepMs)),
    start() {
      if (timer) return;
      timer = setInterval(tick, deps.drainEveryMs ?? 2000);
      timer.unref();
      tick();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await draining;
    },
  };
}
