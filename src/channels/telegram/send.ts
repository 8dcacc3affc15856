/**
 * Outgoing messages: plain text (no parse mode, so nothing to escape) split at Telegram's
 * 4,096-character limit, with the core's buttons as an inline keyboard on the last piece whose
 * callback data is the button's action (never user text). Notifications (`sendTo`) turn a
 * blocked bot or a vanished chat into PermanentDeliveryError and record it for staff.
 */
import { GrammyError, type Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { PermanentDeliveryError } from "../../feedback/index.ts";
import type { Logger } from "../../logger.ts";
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
}

export interface TelegramSenderDeps {
  api: Api;
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

export function createTelegramSender({
  api,
  logger,
  undelivered,
}: TelegramSenderDeps): TelegramSender {
  const sentPieces = createSentPieces();

  async function send(chatId: number, message: OutgoingMessage, key?: string): Promise<void> {
    const keyboard = toInlineKeyboard(message.buttons);
    const pieces = splitMessage(message.text, TELEGRAM_TEXT_LIMIT);
    if (pieces.length === 0 && keyboard) pieces.push(CHOOSE_TEXT);
    for (let i = sentPieces.from(key); i < pieces.length; i++) {
      const last = i === pieces.length - 1;
      await api.sendMessage(chatId, pieces[i]!, last && keyboard ? { reply_markup: keyboard } : {});
      sentPieces.record(key, i + 1);
    }
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
        errorCode: err.error_code,
        text: message.text,
      });
      throw new PermanentDeliveryError(`telegram chat unreachable (${err.error_code})`);
    }
  }

  return { send, sendTo };
}
