/**
 * The chat channels: one adapter per channel (Telegram, Zalo) behind one interface (types.ts),
 * started together by `startChannels`.
 *
 * Importing this module loads grammY and axios: take types with `import type`, and the module
 * itself with a dynamic import where it may not be needed (main.ts, web-only server). The light
 * helper `isHttpsLink` lives in src/util for code that is always loaded.
 */
export type {
  Attachment,
  AttachmentKind,
  Button,
  ChannelName,
  ChannelSender,
  DialogueCore,
  IncomingMessage,
  OutgoingMessage,
} from "./types.ts";
export { isHttpsLink } from "../util/index.ts";
export { startChannels, type Channels, type StartChannelsOptions } from "./start.ts";
export {
  createTelegramChannel,
  type TelegramChannel,
  type TelegramChannelOptions,
} from "./telegram.ts";
export type { TelegramGroupHandler } from "./telegram/groups.ts";
export { createZaloChannel, type ZaloChannel, type ZaloChannelOptions } from "./zalo.ts";
export {
  createReplyOutbox,
  REPLY_RETRY_BUDGET_MS,
  type ReplyChannel,
  type ReplyChannelName,
  type ReplyDelivery,
  type ReplyOutbox,
  type ReplyOutboxOptions,
  type UndeliveredReply,
} from "./reply-outbox.ts";
export type { UndeliveredLog, UndeliveredReason } from "./undelivered.ts";
