/**
 * The dialogue core as main.ts serves it: over the SqlDatabase (SQLite or PostgreSQL) and the PAKN
 * store on it, with the web chat's routes and inbox. Channel adapters (Telegram, Zalo) take `dialogue` and register
 * their senders on `senders`; the web's sender (the inbox) is registered here.
 */
import type { Assistant } from "../assistant/index.ts";
import { createSqlQuestionLog, recordInBackground, type SqlDatabase } from "../db/index.ts";
import {
  createDialogueCore,
  createInbox,
  type DialogueCoreHandle,
  type Inbox,
  type SenderRegistry,
} from "../dialogue/index.ts";
import type { FeedbackStore } from "../feedback/index.ts";
import type { DialogueHandoff } from "../dialogue/index.ts";
import type { Logger } from "../logger.ts";
import { createChatRoutes } from "./chat-routes.ts";
import type { RouteGroup } from "./routes.ts";

export interface ChatWiringOptions {
  sql: SqlDatabase;
  /** The PAKN store on `sql`: cases filed from the chat, lookups, ratings. */
  feedback: FeedbackStore;
  assistant: Pick<Assistant, "ask" | "answerFor">;
  senders: SenderRegistry;
  logger: Logger;
  now?: () => Date;
  /** Hand-off to hotline staff (src/handoff). */
  handoff?: DialogueHandoff;
  /** Turns holding their user's lock at once (createDialogueCore's `lockedTurns`). */
  lockedTurns?: number;
}

export function createChatWiring(deps: ChatWiringOptions): {
  dialogue: DialogueCoreHandle;
  routes: readonly RouteGroup[];
  inbox: Inbox;
} {
  const now = deps.now ?? (() => new Date());
  const questions = createSqlQuestionLog(deps.sql);
  const dialogue = createDialogueCore({
    assistant: deps.assistant,
    feedback: deps.feedback,
    sql: deps.sql,
    now,
    logger: deps.logger,
    // Not awaited: the answer is not held up by the log.
    recordQuestion: recordInBackground(questions, (err) =>
      deps.logger.warn({ err }, "question not logged"),
    ),
    ...(deps.handoff ? { handoff: deps.handoff } : {}),
    ...(deps.lockedTurns !== undefined ? { lockedTurns: deps.lockedTurns } : {}),
  });
  const inbox = createInbox(deps.sql, now);
  deps.senders.registerSender("web", inbox.sender("web"));
  return {
    dialogue,
    inbox,
    routes: [createChatRoutes({ dialogue, inbox, logger: deps.logger })],
  };
}
