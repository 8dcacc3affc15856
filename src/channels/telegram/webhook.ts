/**
 * Webhook intake (src/web/channel-routes.ts feeds it): the constant-time check of the
 * X-Telegram-Bot-Api-Secret-Token header, and the hand-over of one update to the bot without
 * waiting, taking an update id Telegram sends again only once.
 */
import { timingSafeEqual } from "node:crypto";
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../../logger.ts";
import { describeTelegramError } from "./client.ts";
import type { InFlight } from "./in-flight.ts";

/** Update ids remembered for the dedupe (the oldest are forgotten first). */
const RECENT_UPDATES = 1000;

export interface WebhookIntake {
  /** False without a secret (polling mode) or when the header does not match it. */
  checkSecret(header: string | undefined): boolean;
  /** Hands one update to the bot without waiting; false when it is not an update. */
  accept(update: unknown): boolean;
}

export interface WebhookIntakeDeps {
  bot: Bot;
  secret: string | undefined;
  inFlight: InFlight;
  logger: Logger;
}

export function createWebhookIntake(deps: WebhookIntakeDeps): WebhookIntake {
  const { bot, inFlight, logger } = deps;
  const secret = deps.secret !== undefined ? Buffer.from(deps.secret, "utf8") : null;
  const recentUpdates = new Set<number>();
  return {
    checkSecret(header) {
      if (!secret || header === undefined) return false;
      const given = Buffer.from(header, "utf8");
      return given.length === secret.length && timingSafeEqual(given, secret);
    },
    accept(update) {
      if (typeof update !== "object" || update === null) return false;
      const id = (update as { update_id?: unknown }).update_id;
      if (typeof id !== "number" || !Number.isSafeInteger(id)) return false;
      if (recentUpdates.has(id)) return true; // Telegram resent it: already taken
      recentUpdates.add(id);
      if (recentUpdates.size > RECENT_UPDATES) {
        recentUpdates.delete(recentUpdates.values().next().value as number);
      }
      inFlight.begin();
      bot
        .handleUpdate(update as Update) // middleware errors go to bot.catch
        .catch((err: unknown) =>
          logger.error({ update: id, ...describeTelegramError(err) }, "telegram update refused"),
        )
        .finally(inFlight.end);
      return true;
    },
  };
}
