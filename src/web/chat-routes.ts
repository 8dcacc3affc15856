/**
 * The web chat over the dialogue core (rows in src/web/routes.ts):
 *
 *   POST /api/chat          { session, text?, action? } → { messages: OutgoingMessage[] }
 *   GET  /api/chat/inbox?session=…                     → { messages: OutgoingMessage[] }
 *
 * `session` is a random id the page keeps in localStorage (16–128 characters of [A-Za-z0-9_-]).
 * It is a secret of the browser: the dialogue and the PAKN store only ever see a hash of it
 * ("w" + 32 hex), so neither the database nor the staff views can be used to take it over.
 * Notifications for the web (PAKN status changes) wait in the inbox: POST /api/chat returns them
 * before its replies, GET /api/chat/inbox returns them alone; each is handed out once.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { DialogueCore, OutgoingMessage } from "../channels/index.ts";
import { isBusyError } from "../db/index.ts";
import type { Inbox } from "../dialogue/index.ts";
import type { Logger } from "../logger.ts";
import { HttpError } from "./errors.ts";
import { json } from "./http.ts";
import type { RouteGroup } from "./routes.ts";

const SESSION = /^[A-Za-z0-9_-]{16,128}$/;

const chatBody = z
  .object({
    session: z.string(),
    text: z.string().optional(),
    action: z.string().max(64).optional(),
  })
  .strict()
  .refine((b) => (b.text === undefined) !== (b.action === undefined));

const MESSAGES = {
  invalid_request:
    'Cần gửi {"session", "text"} hoặc {"session", "action"}. / Expected {session, text} or {session, action}.',
  invalid_session:
    "Phiên trò chuyện không hợp lệ: tải lại trang. / Invalid session id: reload the page.",
};

/** The pseudonymous user id of a web session: never the session id itself. */
export function webUserId(session: string): string {
  return `w${createHash("sha256").update(`motcua-web:${session}`).digest("hex").slice(0, 32)}`;
}

export interface ChatRouteOptions {
  dialogue: DialogueCore;
  inbox: Inbox;
  logger: Logger;
}

function sessionOf(value: unknown): string {
  if (typeof value !== "string" || !SESSION.test(value)) {
    throw new HttpError(400, "invalid_session", MESSAGES.invalid_session);
  }
  return webUserId(value);
}

export function createChatRoutes(deps: ChatRouteOptions): RouteGroup {
  const { dialogue, inbox, logger } = deps;
  /**
   * The user's waiting notifications. Handing them out is a write: while another connection holds
   * the lock past the database's budget they stay stored for the next poll, and the turn's
   * replies still go out.
   */
  const waiting = (userId: string): Promise<OutgoingMessage[]> =>
    inbox.take("web", userId).catch((err: unknown) => {
      if (!isBusyError(err)) throw err;
      logger.debug({ channel: "web" }, "inbox not read: database busy");
      return [];
    });
  return {
    chat: {
      async turn(c) {
        const parsed = chatBody.safeParse(c.var.body);
        if (!parsed.success) throw new HttpError(400, "invalid_request", MESSAGES.invalid_request);
        const userId = sessionOf(parsed.data.session);
        const started = Date.now();
        const replies = await dialogue.handle({
          channel: "web",
          userId,
          ...(parsed.data.text !== undefined ? { text: parsed.data.text } : {}),
          ...(parsed.data.action !== undefined ? { action: parsed.data.action } : {}),
        });
        const notifications = await waiting(userId);
        logger.info(
          {
            channel: "web",
            kind: parsed.data.action !== undefined ? "action" : "text",
            replies: replies.length,
            notifications: notifications.length,
            ms: Date.now() - started,
          },
          "chat turn",
        );
        return json({ messages: [...notifications, ...replies] });
      },
      inbox: async (c) => json({ messages: await waiting(sessionOf(c.req.query("session"))) }),
    },
  };
}
