/**
 * Group chats (officials' groups, the hotline staff group): an update from a group or supergroup
 * goes to the handlers in order until one takes it, and never reaches the private-chat handling.
 * Without handlers groups are ignored.
 */
import type { Context, MiddlewareFn } from "grammy";
import type { Logger } from "../../logger.ts";
import { describeTelegramError } from "./client.ts";

/** Handles one update from a group or supergroup; true when it was for this handler. */
export type TelegramGroupHandler = (ctx: Context) => Promise<boolean>;

export function groupChats(
  handlers: readonly TelegramGroupHandler[],
  logger: Logger,
): MiddlewareFn<Context> {
  return async (ctx, next) => {
    if (ctx.chat === undefined || ctx.chat.type === "private") return next();
    for (const handle of handlers) {
      try {
        if (await handle(ctx)) return;
      } catch (err) {
        logger.error(describeTelegramError(err), "telegram group update failed");
        return;
      }
    }
  };
}
