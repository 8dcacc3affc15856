/**
 * Channel-neutral message types shared by the dialogue core (src/dialogue) and the channel
 * adapters (src/channels/telegram.ts, src/channels/zalo.ts, the web chat). Adapters translate
 * their platform's updates into `IncomingMessage` and render `OutgoingMessage`; the core never
 * imports grammY or Zalo types.
 */

export type ChannelName = "web" | "telegram" | "zalo";

export interface IncomingMessage {
  channel: ChannelName;
  /** Pseudonymous, channel-scoped user id (Telegram chat id, Zalo user id, web session id). */
  userId: string;
  /** What the user typed. */
  text?: string;
  /** A button press: the short `action` data string of a `Button`. */
  action?: string;
  /** A photo, file, sticker… (the assistant reads text only; an officer in a hand-over gets it). */
  attachment?: Attachment;
  displayName?: string;
}

export type AttachmentKind =
  "photo" | "file" | "sticker" | "audio" | "video" | "location" | "other";

export interface Attachment {
  kind: AttachmentKind;
  /** Text sent with it (a photo's caption). */
  caption?: string;
  /** An https link staff can open (Zalo sends one for photos and files). */
  url?: string;
  /** Where Telegram keeps the message, so a Telegram staff desk can copy it. */
  telegram?: { chatId: number; messageId: number };
}

export interface Button {
  label: string;
  /** ≤ 40 ASCII chars, e.g. "pick:1.001193", "rate:up:<answerId>". */
  action: string;
}

export interface OutgoingMessage {
  text: string;
  /** Rows of buttons. */
  buttons?: Button[][];
}

export interface DialogueCore {
  handle(msg: IncomingMessage): Promise<OutgoingMessage[]>;
}

/**
 * Sends one message to one user on one channel: citizen notifications, registered with
 * `registerSender` (src/dialogue/notify.ts). `meta.idempotencyKey` is the same when a message is
 * resent after a crash: channels that can deduplicate should. Throw PermanentDeliveryError
 * (src/feedback) when retrying cannot help (blocked bot, outside Zalo's interaction window…).
 */
export type ChannelSender = (
  userId: string,
  message: OutgoingMessage,
  meta?: { idempotencyKey: string },
) => Promise<void>;
