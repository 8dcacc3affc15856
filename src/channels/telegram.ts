/**
 * The Telegram channel (grammY), put together from ./telegram/: the Bot API client (client.ts),
 * outgoing messages (send.ts), group chats (groups.ts) before private chats (private.ts), the
 * webhook intake (webhook.ts) and getMe with backoff at start (startup.ts).
 *
 * Long polling with @grammyjs/runner by default; with `webhook` the bot registers the URL with a
 * secret token and src/web/channel-routes.ts feeds it the updates (after checking the
 * X-Telegram-Bot-Api-Secret-Token header).
 *
 * Replies go through the reply outbox when one is given (startChannels does): written, then sent,
 * retried after an outage. Without one (tests of other parts) they are sent straight, retried only
 * by auto-retry.
 */
import { run, type RunnerHandle } from "@grammyjs/runner";
import type { Bot } from "grammy";
import type { SqlDatabase } from "../db/index.ts";
import {
  createTelegramClient,
  describeTelegramError,
  type TelegramClientOptions,
} from "./telegram/client.ts";
import { groupChats, type TelegramGroupHandler } from "./telegram/groups.ts";
import { createInFlight } from "./telegram/in-flight.ts";
import { privateChats, type PrivateChatOptions } from "./telegram/private.ts";
import { createTelegramSender } from "./telegram/send.ts";
import { createProcessedUpdates } from "./processed-updates.ts";
import { createBotInfoLoader } from "./telegram/startup.ts";
import { createWebhookIntake } from "./telegram/webhook.ts";
import type { ReplyChannel, ReplyOutbox } from "./reply-outbox.ts";
import type { ChannelSender, OutgoingMessage } from "./types.ts";
import { createUndeliveredLog, type UndeliveredLog } from "./undelivered.ts";

// Kept at this path for test/channels/telegram.test.ts.
export { normalizeCommand } from "./telegram/private.ts";

export interface TelegramChannelOptions extends TelegramClientOptions, PrivateChatOptions {
  /** Webhook mode: the public https URL Telegram posts to, and the secret it sends back. */
  webhook?: { url: string; secret: string } | undefined;
  /**
   * For recording messages to users who blocked the bot (notifications), and, in webhook mode,
   * the update ids already taken (shared by every instance on the database). Without it updates
   * are deduplicated in this process only.
   */
  sql?: SqlDatabase;
  /** Where replies go (registered there as "telegram" by the caller); none: sent straight. */
  outbox?: Pick<ReplyOutbox, "send">;
  now?: () => Date;
  /** Long-polling timeout of getUpdates in seconds. Default 30. */
  pollingTimeoutSeconds?: number;
  /** Updates processed at once (runner). Default 500. */
  concurrency?: number;
  /** Tries of getMe at start while Telegram is unreachable (backoff up to 1 min). Default ∞. */
  startAttempts?: number;
  /**
   * Updates from group chats (officials' groups, the hotline staff group) go to these handlers in
   * order; the first that returns true has taken the update. Without handlers groups are ignored.
   */
  groupHandlers?: readonly TelegramGroupHandler[];
}

export interface TelegramChannel {
  bot: Bot;
  mode: "polling" | "webhook";
  /** Polling: starts the runner. Webhook: registers the URL. Also sets the command menu. */
  start(): Promise<void>;
  /** Stops polling (not the webhook registration) and waits for running updates. */
  stop(): Promise<void>;
  /** Sends a notification; throws PermanentDeliveryError when the chat cannot be reached. */
  sendTo: ChannelSender;
  /** Webhook mode: constant-time check of the X-Telegram-Bot-Api-Secret-Token header. */
  checkWebhookSecret(header: string | undefined): boolean;
  /**
   * Webhook mode: hands one update to the bot without waiting for its turn; false when it is not
   * an update. Rejects when the database cannot record it (nothing was taken).
   */
  acceptUpdate(update: unknown): Promise<boolean>;
  /** Resolves when no update is being processed. */
  idle(): Promise<void>;
  undelivered: UndeliveredLog | null;
  /** What the reply outbox sends replies through. */
  replyChannel: ReplyChannel;
}

/** The command menu; the commands themselves are handled by the dialogue core as text. */
export const TELEGRAM_COMMANDS = [
  { command: "start", description: "Bắt đầu" },
  { command: "help", description: "Hướng dẫn sử dụng" },
  { command: "trangthai", description: "Tra cứu tình trạng phản ánh, kiến nghị" },
  { command: "hotro", description: "Gặp cán bộ hỗ trợ" },
];

const ALLOWED_UPDATES = ["message", "callback_query"] as const;

export function createTelegramChannel(options: TelegramChannelOptions): TelegramChannel {
  const { logger } = options;
  const client = createTelegramClient(options);
  const { bot } = client;
  const now = options.now ?? (() => new Date());
  const undelivered = options.sql ? createUndeliveredLog(options.sql, now) : null;
  const sender = createTelegramSender({
    api: bot.api,
    replyApi: client.replyApi,
    logger,
    undelivered,
  });
  const outbox = options.outbox;
  const reply = outbox
    ? async (chatId: number, replies: OutgoingMessage[]) => {
        await outbox.send("telegram", String(chatId), replies);
      }
    : async (chatId: number, replies: OutgoingMessage[]) => {
        for (const r of replies) await sender.send(chatId, r);
      };
  const inFlight = createInFlight();
  const webhook = createWebhookIntake({
    bot,
    secret: options.webhook?.secret,
    inFlight,
    logger,
    now,
    ...(options.sql ? { processed: createProcessedUpdates(options.sql, "telegram") } : {}),
  });
  const botInfo = createBotInfoLoader(bot, options.startAttempts);
  let runner: RunnerHandle | null = null;

  bot.catch((err) => {
    logger.error(
      { update: err.ctx.update.update_id, ...describeTelegramError(err.error) },
      "telegram update failed",
    );
  });
  bot.use(groupChats(options.groupHandlers ?? [], logger));
  bot.use(privateChats({ ...options, reply, inFlight }));

  return {
    bot,
    mode: options.webhook ? "webhook" : "polling",
    async start() {
      if (!bot.isInited()) await botInfo.load();
      if (options.webhook) {
        await bot.api.setWebhook(options.webhook.url, {
          secret_token: options.webhook.secret,
          allowed_updates: ALLOWED_UPDATES,
        });
        logger.info({ username: bot.botInfo.username }, "telegram bot receiving by webhook");
      } else {
        await bot.api.deleteWebhook();
        runner = run(bot, {
          runner: {
            fetch: {
              timeout: options.pollingTimeoutSeconds ?? 30,
              allowed_updates: ALLOWED_UPDATES,
            },
            silent: true,
            retryInterval: "exponential",
          },
          sink: { concurrency: options.concurrency ?? 500 },
        });
        logger.info({ username: bot.botInfo.username }, "telegram bot polling");
      }
      await bot.api.setMyCommands(TELEGRAM_COMMANDS).catch(() => undefined);
    },
    async stop() {
      botInfo.cancel();
      if (runner?.isRunning()) await runner.stop();
      runner = null;
      await inFlight.idle();
      client.close();
    },
    sendTo: sender.sendTo,
    checkWebhookSecret: webhook.checkSecret,
    acceptUpdate: webhook.accept,
    idle: inFlight.idle,
    undelivered,
    replyChannel: sender.replyChannel,
  };
}
