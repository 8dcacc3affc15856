/**
 * The Telegram channel (grammY): private-chat text messages and inline-button presses go to the
 * dialogue core; its answers come back as plain-text messages (no parse mode, so nothing to
 * escape), split at Telegram's 4,096-character limit, with the core's buttons as an inline
 * keyboard whose callback data is the button's action (never user text).
 *
 * Long polling with @grammyjs/runner by default; with `webhook` the bot registers the URL with a
 * secret token and src/web/channel-routes.ts feeds it the updates (after checking the
 * X-Telegram-Bot-Api-Secret-Token header). Either way updates of one chat are processed in order
 * (runner's `sequentialize`), chats in parallel, and a chat with too many waiting updates has new
 * ones dropped so that it cannot take all the runner's slots. 429 and 5xx answers of the Bot API
 * are retried per retry_after by @grammyjs/auto-retry.
 *
 * The user id given to the core is the chat id (private chats only: it equals the user's id).
 */
import { timingSafeEqual } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { autoRetry } from "@grammyjs/auto-retry";
import { run, sequentialize, type RunnerHandle } from "@grammyjs/runner";
import { Bot, GrammyError, HttpError, type Context } from "grammy";
import type { InlineKeyboardMarkup, Message, Update, UserFromGetMe } from "grammy/types";
import type { Database } from "../db/database.ts";
import { PermanentDeliveryError } from "../feedback/index.ts";
import { scrubSecrets, type Logger } from "../logger.ts";
import { createSentPieces } from "./sent-pieces.ts";
import { splitMessage, TELEGRAM_TEXT_LIMIT } from "./split.ts";
import { isValidAction, maskUserId, runTurn } from "./turn.ts";
import type {
  AttachmentKind,
  ChannelSender,
  DialogueCore,
  IncomingMessage,
  OutgoingMessage,
} from "./types.ts";
import { createUndeliveredLog, type UndeliveredLog } from "./undelivered.ts";

export interface TelegramChannelOptions {
  token: string;
  /** Bot API root; default https://api.telegram.org (tests: the fake server). */
  apiRoot?: string | undefined;
  core: DialogueCore;
  logger: Logger;
  /** Webhook mode: the public https URL Telegram posts to, and the secret it sends back. */
  webhook?: { url: string; secret: string } | undefined;
  /** For recording messages to users who blocked the bot (notifications). */
  db?: Database;
  now?: () => Date;
  /** Skips getMe (tests). */
  botInfo?: UserFromGetMe;
  turnTimeoutMs?: number;
  /** Updates one chat may have waiting or running. Default 20. */
  maxPendingPerUser?: number;
  /** Long-polling timeout of getUpdates in seconds. Default 30. */
  pollingTimeoutSeconds?: number;
  /** Connections to the Bot API at most. Default 64. */
  maxSockets?: number;
  /** Updates processed at once (runner). Default 500. */
  concurrency?: number;
  /** Tries of getMe at start while Telegram is unreachable (backoff up to 1 min). Default ∞. */
  startAttempts?: number;
  /** auto-retry limits. Default 3 retries, retry_after up to 60 s. */
  retry?: { maxRetryAttempts?: number; maxDelaySeconds?: number };
  /**
   * Updates from group chats (officials' groups, the hotline staff group) go to these handlers in
   * order; the first that returns true has taken the update. Without handlers groups are ignored.
   */
  groupHandlers?: readonly TelegramGroupHandler[];
}

/** Handles one update from a group or supergroup; true when it was for this handler. */
export type TelegramGroupHandler = (ctx: Context) => Promise<boolean>;

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
  /** Webhook mode: hands one update to the bot without waiting; false when it is not an update. */
  acceptUpdate(update: unknown): boolean;
  /** Resolves when no update is being processed. */
  idle(): Promise<void>;
  undelivered: UndeliveredLog | null;
}

/** The command menu; the commands themselves are handled by the dialogue core as text. */
export const TELEGRAM_COMMANDS = [
  { command: "start", description: "Bắt đầu" },
  { command: "help", description: "Hướng dẫn sử dụng" },
  { command: "trangthai", description: "Tra cứu tình trạng phản ánh, kiến nghị" },
  { command: "hotro", description: "Gặp cán bộ hỗ trợ" },
];

const ALLOWED_UPDATES = ["message", "callback_query"] as const;
const CHOOSE_TEXT = "Mời bạn chọn:";
const RECENT_UPDATES = 1000;

/** Safe to log: method, code and description, never the payload (it holds the citizen's text). */
export function describeTelegramError(err: unknown): Record<string, unknown> {
  if (err instanceof GrammyError) {
    return { method: err.method, code: err.error_code, description: err.description };
  }
  if (err instanceof HttpError) return { network: scrubSecrets(err.message) };
  if (err instanceof Error) return { error: `${err.name}: ${scrubSecrets(err.message)}` };
  return { error: "unknown" };
}

/** "/start@MotcuaBot x" → "/start x" (the core sees commands without the bot's name). */
export function normalizeCommand(text: string, username: string | undefined): string {
  if (!username) return text;
  const m = /^(\/[A-Za-z0-9_]+)@([A-Za-z0-9_]+)(?=\s|$)/.exec(text);
  return m && m[2]!.toLowerCase() === username.toLowerCase()
    ? m[1]! + text.slice(m[0].length)
    : text;
}

/** The inline keyboard for the core's buttons; buttons whose action is not short ASCII are left out. */
export function toInlineKeyboard(
  buttons: OutgoingMessage["buttons"],
): InlineKeyboardMarkup | undefined {
  const rows = (buttons ?? [])
    .map((row) =>
      row
        .filter((b) => isValidAction(b.action))
        .map((b) => ({ text: b.label.trim() || b.action, callback_data: b.action })),
    )
    .filter((row) => row.length > 0);
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}

function chatKey(ctx: Context): string | undefined {
  const id = ctx.chat?.id ?? ctx.from?.id;
  return id === undefined ? undefined : String(id);
}

export function createTelegramChannel(options: TelegramChannelOptions): TelegramChannel {
  const { core, logger } = options;
  const maxPending = options.maxPendingPerUser ?? 20;
  const apiRoot = (options.apiRoot ?? "https://api.telegram.org").replace(/\/+$/, "");
  // A bounded pool: a burst of replies must queue here, not open a thousand sockets at once.
  const agentOptions = { keepAlive: true, noDelay: true, maxSockets: options.maxSockets ?? 64 };
  const agent = apiRoot.startsWith("https:")
    ? new https.Agent(agentOptions)
    : new http.Agent(agentOptions);
  const bot = new Bot(options.token, {
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    client: { apiRoot, baseFetchConfig: { agent } },
  });
  const undelivered = options.db
    ? createUndeliveredLog(options.db, options.now ?? (() => new Date()))
    : null;
  let runner: RunnerHandle | null = null;

  bot.api.config.use(
    autoRetry({
      maxRetryAttempts: options.retry?.maxRetryAttempts ?? 3,
      maxDelaySeconds: options.retry?.maxDelaySeconds ?? 60,
      // auto-retry would retry network failures without a bound: fail fast instead (the runner
      // retries getUpdates itself; a notification is retried by the outbox dispatcher).
      rethrowHttpErrors: true,
    }),
  );
  // Outside auto-retry: logs what is left after the retries.
  bot.api.config.use(async (prev, method, payload, signal) => {
    try {
      const res = await prev(method, payload, signal);
      if (!res.ok) {
        logger.warn(
          { method, code: res.error_code, description: res.description },
          "telegram api error",
        );
      }
      return res;
    } catch (err) {
      if (!signal?.aborted)
        logger.warn({ method, ...describeTelegramError(err) }, "telegram api failed");
      throw err;
    }
  });

  // In-flight bookkeeping (idle) and per-chat caps.
  let running = 0;
  let idleWaiters: (() => void)[] = [];
  const pending = new Map<string, number>();
  const begin = () => {
    running++;
  };
  const end = () => {
    running--;
    if (running > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  bot.catch((err) => {
    logger.error(
      { update: err.ctx.update.update_id, ...describeTelegramError(err.error) },
      "telegram update failed",
    );
  });

  bot.use(async (ctx, next) => {
    if (ctx.chat !== undefined && ctx.chat.type !== "private") {
      for (const handle of options.groupHandlers ?? []) {
        try {
          if (await handle(ctx)) return;
        } catch (err) {
          logger.error(describeTelegramError(err), "telegram group update failed");
          return;
        }
      }
      return;
    }
    const key = chatKey(ctx);
    if (key === undefined) return;
    if (ctx.callbackQuery) {
      // Stop the button's spinner now, not after the chat's earlier updates.
      ctx.answerCallbackQuery().catch(() => undefined);
    }
    const count = pending.get(key) ?? 0;
    if (count >= maxPending) {
      logger.warn(
        { user: maskUserId("telegram", key) },
        "telegram chat has too many pending updates",
      );
      return;
    }
    pending.set(key, count + 1);
    begin();
    try {
      await next();
    } finally {
      const left = (pending.get(key) ?? 1) - 1;
      if (left <= 0) pending.delete(key);
      else pending.set(key, left);
      end();
    }
  });
  bot.use(sequentialize(chatKey));

  const sentPieces = createSentPieces();

  async function turn(chatId: number, msg: IncomingMessage): Promise<void> {
    const replies = await runTurn(core, msg, {
      logger,
      ...(options.turnTimeoutMs !== undefined ? { timeoutMs: options.turnTimeoutMs } : {}),
    });
    for (const reply of replies) await sendMessage(chatId, reply);
  }

  /** Sends every piece of `message`; with a key, a retry skips the pieces already sent. */
  async function sendMessage(
    chatId: number,
    message: OutgoingMessage,
    key?: string,
  ): Promise<void> {
    const keyboard = toInlineKeyboard(message.buttons);
    const pieces = splitMessage(message.text, TELEGRAM_TEXT_LIMIT);
    if (pieces.length === 0 && keyboard) pieces.push(CHOOSE_TEXT);
    for (let i = sentPieces.from(key); i < pieces.length; i++) {
      const last = i === pieces.length - 1;
      await bot.api.sendMessage(
        chatId,
        pieces[i]!,
        last && keyboard ? { reply_markup: keyboard } : {},
      );
      sentPieces.record(key, i + 1);
    }
    sentPieces.done(key);
  }

  bot.on("message:text", async (ctx) => {
    const chatId = ctx.chat.id;
    await turn(chatId, {
      channel: "telegram",
      userId: String(chatId),
      text: normalizeCommand(ctx.message.text, ctx.me.username),
      ...(ctx.from.first_name ? { displayName: ctx.from.first_name } : {}),
    });
  });

  bot.on("callback_query:data", async (ctx) => {
    const data = ctx.callbackQuery.data;
    const chatId = ctx.chat?.id ?? ctx.from.id;
    if (!isValidAction(data)) return;
    await turn(chatId, { channel: "telegram", userId: String(chatId), action: data });
  });

  // Photos, files, stickers…: the core answers that it reads text only, or, in a hand-over,
  // passes them to the officer (a Telegram staff desk copies the message itself).
  bot.on("message", async (ctx) => {
    const m = ctx.message;
    const chatId = ctx.chat.id;
    await turn(chatId, {
      channel: "telegram",
      userId: String(chatId),
      attachment: {
        kind: attachmentKind(m),
        ...(m.caption ? { caption: m.caption } : {}),
        telegram: { chatId, messageId: m.message_id },
      },
    });
  });

  let stopped = false;
  let wakeUp: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });

  /** getMe until it answers: network trouble and 5xx are retried, a wrong token is not. */
  async function fetchBotInfo(): Promise<void> {
    const attempts = options.startAttempts ?? Number.POSITIVE_INFINITY;
    for (let attempt = 1; ; attempt++) {
      try {
        bot.botInfo = await bot.api.getMe();
        return;
      } catch (err) {
        const permanent =
          err instanceof GrammyError && err.error_code < 500 && err.error_code !== 429;
        if (permanent || stopped || attempt >= attempts) throw err;
        await pause(Math.min(1000 * 2 ** (attempt - 1), 60_000));
        if (stopped) throw new Error("stopped while starting");
      }
    }
  }

  const secret = options.webhook ? Buffer.from(options.webhook.secret, "utf8") : null;
  const recentUpdates = new Set<number>();

  return {
    bot,
    mode: options.webhook ? "webhook" : "polling",
    async start() {
      stopped = false;
      if (!bot.isInited()) await fetchBotInfo();
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
      stopped = true;
      wakeUp?.();
      if (runner?.isRunning()) await runner.stop();
      runner = null;
      await this.idle();
      agent.destroy();
    },
    async sendTo(userId, message, meta) {
      const id = userId.replace(/^tg:/, "");
      if (!/^-?\d{1,20}$/.test(id)) throw new PermanentDeliveryError("not a Telegram chat id");
      try {
        await sendMessage(Number(id), message, meta?.idempotencyKey);
      } catch (err) {
        const gone =
          err instanceof GrammyError &&
          (err.error_code === 403 ||
            (err.error_code === 400 && /chat not found|user not found/i.test(err.description)));
        logger.warn(
          { user: maskUserId("telegram", id), ...describeTelegramError(err) },
          "telegram notification failed",
        );
        if (!gone)
          throw err instanceof GrammyError
            ? new Error(`telegram ${err.method} failed: ${err.error_code}`)
            : err;
        undelivered?.record({
          channel: "telegram",
          userId: id,
          reason: "blocked",
          errorCode: (err as GrammyError).error_code,
          text: message.text,
        });
        throw new PermanentDeliveryError(
          `telegram chat unreachable (${(err as GrammyError).error_code})`,
        );
      }
    },
    checkWebhookSecret(header) {
      if (!secret || header === undefined) return false;
      const given = Buffer.from(header, "utf8");
      return given.length === secret.length && timingSafeEqual(given, secret);
    },
    acceptUpdate(update) {
      if (typeof update !== "object" || update === null) return false;
      const id = (update as { update_id?: unknown }).update_id;
      if (typeof id !== "number" || !Number.isSafeInteger(id)) return false;
      if (recentUpdates.has(id)) return true; // Telegram resent it: already taken
      recentUpdates.add(id);
      if (recentUpdates.size > RECENT_UPDATES) {
        recentUpdates.delete(recentUpdates.values().next().value as number);
      }
      begin();
      bot
        .handleUpdate(update as Update) // middleware errors go to bot.catch
        .catch((err: unknown) =>
          logger.error({ update: id, ...describeTelegramError(err) }, "telegram update refused"),
        )
        .finally(end);
      return true;
    },
    idle() {
      if (running === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    undelivered,
  };
}

/** What kind of non-text message Telegram delivered. */
export function attachmentKind(m: Message): AttachmentKind {
  if (m.photo) return "photo";
  if (m.document) return "file";
  if (m.sticker) return "sticker";
  if (m.voice || m.audio) return "audio";
  if (m.video || m.video_note || m.animation) return "video";
  if (m.location || m.venue) return "location";
  return "other";
}
