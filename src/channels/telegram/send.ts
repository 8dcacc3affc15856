/**
 * Outgoing messages: plain text (no parse mode, so nothing to escape) split at Telegram's
 * 4,096-character limit, with the core's buttons as an inline keyboard on the last piece whose
 * callback data is the button's action (never user text). Notifications (`sendTo`) turn a
 * blocked bot or a vanished chat into PermanentDeliveryError and record it for staff. Replies go
 * through the reply outbox with `replyChannel` (one try per piece, on the client's `replyApi`),
 * whose `classify` says which failures a retry can cure.
 */
import { GrammyError, HttpError, type Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { PermanentDeliveryError } from "../../feedback/index.ts";
import type { Logger } from "../../logger.ts";
import type { ReplyChannel, ReplyFailure } from "../reply-outbox.ts";
import { createSentPieces } from "../sent-pieces.ts";
import { splitMessage, TELEGRAM_TEXT_LIMIT } from "../split.ts";
import { isValidAction, maskUserId } from "../turn.ts";
import type { ChannelSender, OutgoingMessage } from "../types.ts";
import type { UndeliveredLog } from "../undelivered.ts";
import { describeTelegramError } from "./client.ts";

const CHOOSE_TEXT = "Mời bạn chọn:";

export interface TelegramSender {
  /** Sends every piece of `message`; with a key, a retry skips the pieces already sent. */
  send(chatId: number, message: OutgoingMessage, key?: string): Promise<void>;
  /** Sends a notification; throws PermanentDeliveryError when the chat cannot be reached. */
  sendTo: ChannelSender;
  /** For the reply outbox. */
  replyChannel: ReplyChannel;
}

export interface TelegramSenderOptions {
  api: Api;
  /** The API replies through the outbox use (no auto-retry). Default: `api`. */
  replyApi?: Api;
  logger: Logger;
  /** Where messages to users who blocked the bot are recorded; null: nowhere. */
  undelivered: UndeliveredLog | null;
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

/** The texts a message goes out as: split at 4,096, or a prompt when it has buttons only. */
export function telegramPieces(message: OutgoingMessage): string[] {
  const pieces = splitMessage(message.text, TELEGRAM_TEXT_LIMIT);
  if (pieces.length === 0 && toInlineKeyboard(message.buttons)) pieces.push(CHOOSE_TEXT);
  return pieces;
}

/** "bot was blocked by the user" (403), "chat not found" / "user not found" (400). */
function chatGone(err: GrammyError): boolean {
  return (
    err.error_code === 403 ||
    (err.error_code === 400 && /chat not found|user not found/i.test(err.description))
  );
}

/**
 * A failed reply: network trouble, 5xx, 429 (after its retry_after) and the bot's own trouble
 * (401 token, 404) are retried; a blocked bot or a gone chat, and any other 400 (a request
 * Telegram will never take), are given up.
 */
export function classifyTelegramFailure(err: unknown): ReplyFailure {
  if (err instanceof GrammyError) {
    const code = String(err.error_code);
    if (chatGone(err)) return { retry: false, code, reason: "blocked" };
    if (err.error_code === 429) {
      const seconds = err.parameters.retry_after;
      return {
        retry: true,
        code,
        ...(seconds !== undefined ? { retryAfterMs: seconds * 1000 } : {}),
      };
    }
    if (err.error_code === 400) return { retry: false, code, reason: "rejected" };
    return { retry: true, code };
  }
  return { retry: true, code: err instanceof HttpError ? "network" : "error" };
}

export function createTelegramSender({
  api,
  replyApi = api,
  logger,
  undelivered,
}: TelegramSenderOptions): TelegramSender {
  const sentPieces = createSentPieces();

  async function sendPieces(
    through: Api,
    chatId: number,
    message: OutgoingMessage,
    from: number,
    sent: (count: number) => Promise<void> | void,
  ): Promise<void> {
    const keyboard = toInlineKeyboard(message.buttons);
    const pieces = telegramPieces(message);
    for (let i = from; i < pieces.length; i++) {
      const last = i === pieces.length - 1;
      await through.sendMessage(
        chatId,
        pieces[i]!,
        last && keyboard ? { reply_markup: keyboard } : {},
      );
      await sent(i + 1);
    }
  }

  async function send(chatId: number, message: OutgoingMessage, key?: string): Promise<void> {
    await sendPieces(api, chatId, message, sentPieces.from(key), (n) => sentPieces.record(key, n));
    sentPieces.done(key);
  }

  async function sendTo(
    userId: string,
    message: OutgoingMessage,
    meta?: { idempotencyKey: string },
  ): Promise<void> {
    const id = userId.replace(/^tg:/, "");
    if (!/^-?\d{1,20}$/.test(id)) throw new PermanentDeliveryError("not a Telegram chat id");
    try {
      await send(Number(id), message, meta?.idempotencyKey);
    } catch (err) {
      const gone = err instanceof GrammyError && chatGone(err);
      logger.warn(
        { user: maskUserId("telegram", id), ...describeTelegramError(err) },
        "telegram notification failed",
      );
      if (!gone)
        throw err instanceof GrammyError
          ? new Error(`telegram ${err.method} failed: ${err.error_code}`)
          : err;
      await undelivered?.record({
        channel: "telegram",
        userId: id,
        reason: "blocked",
        errorCode: err.error_code,
        text: message.text,
      });
      throw new PermanentDeliveryError(`telegram chat unreachable (${err.error_code})`);
    }
  }

  const replyChannel: ReplyChannel = {
    pieces: telegramPieces,
    deliver: (userId, message, from, sent) =>
      sendPieces(replyApi, Number(userId), message, from, sent),
    classify: classifyTelegramFailure,
  };

  return { send, sendTo, replyChannel };
}
