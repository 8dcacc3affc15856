/**
 * Webhook intake (src/web/channel-routes.ts feeds it): the constant-time check of the
 * X-Telegram-Bot-Api-Secret-Token header, and the hand-over of one update to the bot without
 * waiting for its turn, taking an update id Telegram sends again only once. With `processed`
 * (the database) "once" holds across instances: a resend that lands on another instance behind
 * the load balancer is dropped there. Updates are handed over in the order they arrived.
 */
import { timingSafeEqual } from "node:crypto";
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../../logger.ts";
import { describeTelegramError } from "./client.ts";
import type { ProcessedUpdates } from "../processed-updates.ts";
import type { InFlight } from "./in-flight.ts";

/** Update ids remembered for the dedupe in process (the oldest are forgotten first). */
const RECENT_UPDATES = 1000;
/** Telegram keeps an update it could not deliver for 24 hours: ids are kept that long. */
const KEEP_IDS_MS = 24 * 3600_000;
const PRUNE_EVERY_MS = 60_000;

export interface WebhookIntake {
  /** False without a secret (polling mode) or when the header does not match it. */
  checkSecret(header: string | undefined): boolean;
  /**
   * Hands one update to the bot without waiting for its turn; false when it is not an update.
   * Rejects when the database cannot record it: nothing was taken, Telegram sends it again.
   */
  accept(update: unknown): Promise<boolean>;
}

export interface WebhookIntakeOptions {
  bot: Bot;
  secret: string | undefined;
  inFlight: InFlight;
  logger: Logger;
  now: () => Date;
  /** Update ids already taken, shared by the instances (none: this process only). */
  processed?: ProcessedUpdates;
}

export function createWebhookIntake(deps: WebhookIntakeOptions): WebhookIntake {
  const { bot, inFlight, logger, now, processed } = deps;
  const secret = deps.secret !== undefined ? Buffer.from(deps.secret, "utf8") : null;
  const recentUpdates = new Set<number>();
  let lastPrune = 0;
  /** Settles once the last update accepted has been handed over. */
  let arrival: Promise<void> = Promise.resolve();

  /** True the first time `id` is seen here (and, with the database, by any instance). */
  async function first(id: number): Promise<boolean> {
    if (recentUpdates.has(id)) return false;
    if (processed) {
      const at = now();
      if (at.getTime() - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = at.getTime();
        processed.prune(new Date(at.getTime() - KEEP_IDS_MS)).catch((err: unknown) => {
          logger.warn({ err }, "telegram update ids not pruned; the next minute tries again");
        });
      }
      if (!(await processed.take(id, at))) return false;
    }
    if (recentUpdates.has(id)) return false;
    recentUpdates.add(id);
    if (recentUpdates.size > RECENT_UPDATES) {
      recentUpdates.delete(recentUpdates.values().next().value as number);
    }
    return true;
  }

  function handOver(id: number, update: Update): void {
    inFlight.begin();
    bot
      .handleUpdate(update) // middleware errors go to bot.catch
      .catch((err: unknown) =>
        logger.error({ update: id, ...describeTelegramError(err) }, "telegram update refused"),
      )
      .finally(inFlight.end);
  }

  return {
    checkSecret(header) {
      if (!secret || header === undefined) return false;
      const given = Buffer.from(header, "utf8");
      return given.length === secret.length && timingSafeEqual(given, secret);
    },
    async accept(update) {
      if (typeof update !== "object" || update === null) return false;
      const id = (update as { update_id?: unknown }).update_id;
      if (typeof id !== "number" || !Number.isSafeInteger(id)) return false;
      const taking = first(id);
      const earlier = arrival;
      let handedOver!: () => void;
      arrival = new Promise((resolve) => (handedOver = resolve));
      try {
        const isFirst = await taking;
        await earlier;
        if (isFirst) handOver(id, update as Update); // else Telegram resent it: already taken
        return true;
      } finally {
        handedOver();
      }
    },
  };
}
