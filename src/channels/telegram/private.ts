/**
 * Private chats → the dialogue core: a text (commands without the bot's name), a button press (its
 * spinner stopped at once) or an attachment is one turn, whose answers go back through `reply`
 * (the reply outbox, or straight to the sender without one).
 * Updates of one chat are processed in order (runner's `sequentialize`), chats in parallel, and a
 * chat with too many waiting updates has new ones dropped so that it cannot take all the runner's
 * slots.
 *
 * The user id given to the core is the chat id (private chats only: it equals the user's id).
 */
import { sequentialize } from "@grammyjs/runner";
import { Composer, type Context } from "grammy";
import type { Message } from "grammy/types";
import type { Logger } from "../../logger.ts";
import { isValidAction, maskUserId, runTurn } from "../turn.ts";
import type { AttachmentKind, DialogueCore, IncomingMessage, OutgoingMessage } from "../types.ts";
import type { InFlight } from "./in-flight.ts";

export interface PrivateChatOptions {
  core: DialogueCore;
  logger: Logger;
  turnTimeoutMs?: number;
  /** Updates one chat may have waiting or running. Default 20. */
  maxPendingPerUser?: number;
}

export interface PrivateChatHandlerOptions extends PrivateChatOptions {
  /** Sends a turn's answers to the chat, in order. */
  reply: (chatId: number, replies: OutgoingMessage[]) => Promise<void>;
  inFlight: InFlight;
}

/** "/start@MotcuaBot x" → "/start x" (the core sees commands without the bot's name). */
export function normalizeCommand(text: string, username: string | undefined): string {
  if (!username) return text;
  const m = /^(\/[A-Za-z0-9_]+)@([A-Za-z0-9_]+)(?=\s|$)/.exec(text);
  return m && m[2]!.toLowerCase() === username.toLowerCase()
    ? m[1]! + text.slice(m[0].length)
    : text;
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

function chatKey(ctx: Context): string | undefined {
  const id = ctx.chat?.id ?? ctx.from?.id;
  return id === undefined ? undefined : String(id);
}

export function privateChats(deps: PrivateChatHandlerOptions): Composer<Context> {
  const { core, logger, reply, inFlight } = deps;
  const maxPending = deps.maxPendingPerUser ?? 20;
  const pending = new Map<string, number>();
  const chats = new Composer<Context>();

  chats.use(async (ctx, next) => {
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
    inFlight.begin();
    try {
      await next();
    } finally {
      const left = (pending.get(key) ?? 1) - 1;
      if (left <= 0) pending.delete(key);
      else pending.set(key, left);
      inFlight.end();
    }
  });
  chats.use(sequentialize(chatKey));

  async function turn(chatId: number, msg: IncomingMessage): Promise<void> {
    const replies = await runTurn(core, msg, {
      logger,
      ...(deps.turnTimeoutMs !== undefined ? { timeoutMs: deps.turnTimeoutMs } : {}),
    });
    await reply(chatId, replies);
  }

  // A forged or odd update may lack `chat` or `from`: the chat is whichever is there.
  const chatIdOf = (ctx: Context): number | undefined => ctx.chat?.id ?? ctx.from?.id;

  chats.on("message:text", async (ctx) => {
    const chatId = chatIdOf(ctx);
    if (chatId === undefined) return;
    const name = ctx.from?.first_name;
    await turn(chatId, {
      channel: "telegram",
      userId: String(chatId),
      text: normalizeCommand(ctx.message.text, ctx.me.username),
      ...(name ? { displayName: name } : {}),
    });
  });

  chats.on("callback_query:data", async (ctx) => {
    const data = ctx.callbackQuery.data;
    const chatId = chatIdOf(ctx);
    if (chatId === undefined || !isValidAction(data)) return;
    await turn(chatId, { channel: "telegram", userId: String(chatId), action: data });
  });

  // Photos, files, stickers…: the core answers that it reads text only, or, in a hand-over,
  // passes them to the officer (a Telegram staff desk copies the message itself).
  chats.on("message", async (ctx) => {
    const m = ctx.message;
    const chatId = chatIdOf(ctx);
    if (chatId === undefined) return;
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

  return chats;
}
