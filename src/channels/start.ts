/**
 * Starts the chat channels whose settings are present (config.telegram, config.zalo) over one
 * dialogue core. With none configured nothing starts and the web chat is served alone.
 *
 *   const channels = startChannels({ config, core, sql, logger });
 *   // webhook routes (src/web/channel-routes.ts) when channels.needsWebhooks
 *   channels.replies.start(); // the reply outbox's retry timer
 *   …
 *   await channels.stop();
 *
 * Returns at once: a channel that fails to start (Telegram unreachable, wrong token) is logged and
 * the rest of the program goes on. Both channels' replies go through one reply outbox
 * (reply-outbox.ts): retried after an outage, replies left from before a restart included.
 */
import type { Config } from "../config.ts";
import type { SqlDatabase } from "../db/index.ts";
import type { Logger } from "../logger.ts";
import { createReplyOutbox, type ReplyOutbox } from "./reply-outbox.ts";
import { createTelegramChannel, type TelegramChannel } from "./telegram.ts";
import { describeTelegramError } from "./telegram/client.ts";
import type { TelegramGroupHandler } from "./telegram/groups.ts";
import type { ChannelName, ChannelSender, DialogueCore } from "./types.ts";
import { createUndeliveredLog, type UndeliveredLog } from "./undelivered.ts";
import { createZaloChannel, type ZaloChannel } from "./zalo.ts";

export interface StartChannelsOptions {
  config: Pick<Config, "telegram" | "zalo">;
  core: DialogueCore;
  /** The channels' tables (SQLite waits for another connection's lock without blocking). */
  sql: SqlDatabase;
  logger: Logger;
  now?: () => Date;
  /** When given, each started channel's notification sender is registered there. */
  senders?: { registerSender(channel: ChannelName, send: ChannelSender): void };
  /** Telegram group chats: reminders to officials, the hotline staff group. */
  telegramGroupHandlers?: readonly TelegramGroupHandler[];
}

export interface Channels {
  telegram: TelegramChannel | null;
  zalo: ZaloChannel | null;
  /** Whether a started channel receives on a webhook (Zalo, or Telegram in webhook mode). */
  needsWebhooks: boolean;
  /** Notification senders of the started channels. */
  senders: Partial<Record<ChannelName, ChannelSender>>;
  /** Messages refused for good (outside Zalo's window, bot blocked), for staff. */
  undelivered: UndeliveredLog;
  /** Replies of both channels; `start()` starts its retry timer (stop() stops it). */
  replies: ReplyOutbox;
  /** Settles once every channel has started or failed to (failures are logged, not thrown). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function startChannels(deps: StartChannelsOptions): Channels {
  const { config, core, sql, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const senders: Partial<Record<ChannelName, ChannelSender>> = {};
  const starting: Promise<void>[] = [];
  const replies = createReplyOutbox({
    sql,
    now,
    logger: logger.child({ part: "reply-outbox" }),
  });

  const telegram = config.telegram
    ? createTelegramChannel({
        token: config.telegram.token,
        apiRoot: config.telegram.apiRoot,
        webhook: config.telegram.webhook,
        core,
        sql,
        now,
        outbox: replies,
        logger: logger.child({ channel: "telegram" }),
        ...(deps.telegramGroupHandlers ? { groupHandlers: deps.telegramGroupHandlers } : {}),
      })
    : null;
  if (telegram) {
    replies.register("telegram", telegram.replyChannel);
    // `meta` carries the idempotency key: a retried long message does not resend its pieces.
    senders.telegram = (userId, message, meta) => telegram.sendTo(userId, message, meta);
    starting.push(
      telegram.start().catch((err: unknown) => {
        logger.error(
          { channel: "telegram", ...describeTelegramError(err) },
          "telegram channel could not start; the web chat goes on",
        );
      }),
    );
  }

  const zalo = config.zalo
    ? createZaloChannel({
        ...config.zalo,
        core,
        sql,
        now,
        outbox: replies,
        logger: logger.child({ channel: "zalo" }),
      })
    : null;
  if (zalo) {
    replies.register("zalo", zalo.replyChannel);
    senders.zalo = (userId, message, meta) => zalo.sendTo(userId, message, meta);
    zalo.start();
    logger.info("zalo channel receiving on POST /webhooks/zalo");
  }

  for (const [channel, send] of Object.entries(senders) as [ChannelName, ChannelSender][]) {
    deps.senders?.registerSender(channel, send);
  }
  if (!telegram && !zalo) logger.info("no chat channel configured: web chat only");

  let stopping: Promise<void> | null = null;
  return {
    telegram,
    zalo,
    needsWebhooks: zalo !== null || telegram?.mode === "webhook",
    senders,
    undelivered: createUndeliveredLog(sql, now),
    replies,
    ready: Promise.all(starting).then(() => undefined),
    stop() {
      // The retry timer first; turns under way finish (their replies are in the outbox).
      stopping ??= replies
        .stop()
        .then(() => Promise.all([telegram?.stop(), zalo?.stop()]))
        .then(() => undefined);
      return stopping;
    },
  };
}
