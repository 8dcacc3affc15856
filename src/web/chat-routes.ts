/**
 * The web chat over the dialogue core, mounted through the server's `extraRoutes` hook:
 *
 *   POST /api/chat          { session, text?, action? } → { messages: OutgoingMessage[] }
 *   GET  /api/chat/inbox?session=…                     → { messages: OutgoingMessage[] }
 *
 * `session` is a random id the page keeps in localStorage (16–128 characters of [A-Za-z0-9_-]).
 * It is a secret of the browser: the dialogue and the PAKN queue only ever see a hash of it
 * ("w" + 32 hex), so neither the database nor the staff views can be used to take it over.
 * Notifications for the web (PAKN status changes) wait in the inbox: POST /api/chat returns them
 * before its replies, GET /api/chat/inbox returns them alone; each is handed out once.
 */
import { createHash } from "node:crypto";
import type http from "node:http";
import { z } from "zod";
import type { DialogueCore, OutgoingMessage } from "../channels/types.ts";
import type { Inbox } from "../dialogue/inbox.ts";
import type { Logger } from "../logger.ts";
import { HttpError, readJsonBody, sendJson, type ExtraRoute } from "./server.ts";

/** A complaint of 4,000 Vietnamese characters fits, with room for the rest. */
export const CHAT_BODY_BYTES = 32 * 1024;

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

export interface ChatRouteDeps {
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

export function createChatRoutes(deps: ChatRouteDeps): ExtraRoute {
  const { dialogue, inbox, logger } = deps;

  async function chat(req: http.IncomingMessage, res: http.ServerResponse) {
    const parsed = chatBody.safeParse(await readJsonBody(req, CHAT_BODY_BYTES));
    if (!parsed.success) throw new HttpError(400, "invalid_request", MESSAGES.invalid_request);
    const userId = sessionOf(parsed.data.session);
    const started = Date.now();
    const replies = await dialogue.handle({
      channel: "web",
      userId,
      ...(parsed.data.text !== undefined ? { text: parsed.data.text } : {}),
      ...(parsed.data.action !== undefined ? { action: parsed.data.action } : {}),
    });
    const waiting: OutgoingMessage[] = inbox.take("web", userId);
    logger.info(
      {
        channel: "web",
        kind: parsed.data.action !== undefined ? "action" : "text",
        replies: replies.length,
        notifications: waiting.length,
        ms: Date.now() - started,
      },
      "chat turn",
    );
    sendJson(res, 200, { messages: [...waiting, ...replies] });
  }

  function pending(req: http.IncomingMessage, res: http.ServerResponse) {
    const q = new URL(req.url ?? "/", "http://localhost").searchParams;
    const userId = sessionOf(q.get("session"));
    sendJson(res, 200, { messages: inbox.take("web", userId) });
  }

  const notAllowed = (allow: string) =>
    new HttpError(
      405,
      "method_not_allowed",
      "Phương thức không được hỗ trợ. / Method not allowed.",
      {
        Allow: allow,
      },
    );

  return async (req, res, path) => {
    const method = req.method === "HEAD" ? "GET" : req.method;
    if (path === "/api/chat") {
      if (method !== "POST") throw notAllowed("POST");
      await chat(req, res);
      return true;
    }
    if (path === "/api/chat/inbox") {
      // Not HEAD: reading the inbox hands its messages out.
      if (req.method !== "GET") throw notAllowed("GET");
      pending(req, res);
      return true;
    }
    return false;
  };
}
