/** Messages the bot cannot read: a photo or file without text, or text without letters or digits. */
import type { Handler } from "../compose.ts";
import { hasContent } from "../input.ts";
import { reply, type Deps } from "../turn.ts";

/** A photo, file or sticker alone (while a person has the conversation it is relayed instead). */
export function attachmentOnly(deps: Deps): Handler {
  return ({ message, text }) =>
    message.attachment && !text && message.action === undefined
      ? { messages: [reply(deps.render("text-only"))] }
      : null;
}

/** Typed text with nothing to read in it. */
export function nothingToRead(deps: Deps): Handler {
  return ({ text }) => (hasContent(text) ? null : { messages: [reply(deps.render("empty"))] });
}
