/**
 * The dialogue core as main.ts serves it: over the app's database and the PAKN queue, with the
 * web chat's routes and inbox. Channel adapters (Telegram, Zalo) take `dialogue` and register
 * their senders on `senders`; the web's sender (the inbox) is registered here.
 */
import type { Assistant } from "../assistant/index.ts";
import {
  createQuestionLog,
  createWriteGate,
  recordInBackground,
  type Database,
  type WriteGate,
} from "../db/index.ts";
import {
  createDialogueCore,
  createInbox,
  type DialogueCoreHandle,
  type Inbox,
  type SenderRegistry,
} from "../dialogue/index.ts";
import type { FeedbackQueue } from "../feedback/index.ts";
import type { DialogueHandoff } from "../dialogue/index.ts";
import type { Logger } from "../logger.ts";
import { createChatRoutes } from "./chat-routes.ts";
import type { RouteGroup } from "./routes.ts";

export interface ChatWiringDeps {
  db: Database;
  /** Its write gate (src/db/busy.ts), shared with the other routes; by default one of its own. */
  writes?: WriteGate;
  queue: FeedbackQueue;
  assistant: Pick<Assistant, "ask" | "answerFor">;
  senders: SenderRegistry;
  logger: Logger;
  now?: () => Date;
  /** Hand-off to hotline staff (src/handoff). */
  handoff?: DialogueHandoff;
}

export function createChatWiring(deps: ChatWiringDeps): {
  dialogue: DialogueCoreHandle;
  routes: readonly RouteGroup[];
  inbox: Inbox;
} {
  const now = deps.now ?? (() => new Date());
  const questions = createQuestionLog(deps.db);
  const writes = deps.writes ?? createWriteGate();
  const dialogue = createDialogueCore({
    assistant: deps.assistant,
    queue: deps.queue,
    db: deps.db,
    writes,
    now,
    logger: deps.logger,
    recordQuestion: recordInBackground(questions, writes, (err) =>
      deps.logger.warn({ err }, "question not logged"),
    ),
    ...(deps.handoff ? { handoff: deps.handoff } : {}),
  });
  const inbox = createInbox(deps.db, now);
  deps.senders.registerSender("web", inbox.sender("web"));
  return {
    dialogue,
    inbox,
    routes: [createChatRoutes({ dialogue, inbox, logger: deps.logger, writes })],
  };
}
