/**
 * The channel-neutral dialogue core: one `handle(message)` for the web chat, Telegram and Zalo.
 * It keeps a small state per channel user in SQLite (pending choices, the procedure answered last,
 * a complaint being written, a 👎 awaiting its comment, a status lookup awaiting its token, a
 * person having the conversation) and turns the assistant's answers into messages with buttons.
 *
 * A turn goes down one ordered list of small handlers (grammY-composer style, compose.ts): each
 * takes the message or passes it on. Handlers return state changes; `turnOf` applies them and
 * saves once. handle() never throws: bad input gets a short Vietnamese message, failures an
 * apology (details go to the logger, without personal data). Messages of one user are handled
 * one at a time, in order; different users run in parallel.
 */
import { randomBytes } from "node:crypto";
import {
  DEFAULT_HOTLINE,
  defaultAspectDetector,
  type AspectDetector,
  type Assistant,
} from "../assistant/index.ts";
import { createWriteGate, isBusyError, type Database, type WriteGate } from "../db/index.ts";
import type { QuestionRecord } from "../db/index.ts";
import type { FeedbackQueue } from "../feedback/index.ts";
import type { DialogueHandoff } from "./handoff-port.ts";
import type {
  ChannelName,
  DialogueCore,
  IncomingMessage,
  OutgoingMessage,
} from "../channels/index.ts";
import { createKeyedQueue } from "../util/index.ts";
import { createAnswers } from "./answers.ts";
import { compose, isPass, type Reply } from "./compose.ts";
import { createFeedbackFlow } from "./feedback-flow.ts";
import { loadFollowUpDetector, type FollowUpDetector } from "./followup.ts";
import { createActions } from "./handlers/actions.ts";
import { createAsk } from "./handlers/ask.ts";
import { createChoices } from "./handlers/choices.ts";
import { createCommands } from "./handlers/commands.ts";
import { createComplaint } from "./handlers/complaint.ts";
import { createFollowUp } from "./handlers/follow-up.ts";
import { createHandOver } from "./handlers/hand-over.ts";
import { attachmentOnly, nothingToRead } from "./handlers/no-text.ts";
import { createRating } from "./handlers/rating.ts";
import { createStatusHandlers } from "./handlers/status.ts";
import { cleanInput } from "./input.ts";
import { applyPatch, type DialogueState, type StatePatch } from "./state.ts";
import { createStatusFlow } from "./status-flow.ts";
import { createConversationStore, type ConversationStore } from "./store.ts";
import { createRenderer, loadDialogueTemplates, type DialogueTemplates } from "./templates.ts";
import { reply, short, type Deps, type DialogueLogger, type Turn } from "./turn.ts";

export const CHANNELS: readonly ChannelName[] = ["web", "telegram", "zalo"];
const USER_ID = /^[\p{L}\p{N}_.:@-]{1,128}$/u;

export interface DialogueCoreOptions {
  assistant: Pick<Assistant, "ask" | "answerFor">;
  queue: Pick<FeedbackQueue, "fileCase" | "citizenView" | "citizenViewForFiler" | "rateAnswer">;
  db: Database;
  /**
   * The database's write gate (src/db/busy.ts), shared with the rest of the server: a turn's
   * writes wait for a lock another connection holds without blocking the event loop. Default:
   * its own.
   */
  writes?: WriteGate;
  now: () => Date;
  /** Default: prompts/dialogue/. */
  templates?: DialogueTemplates;
  /** Default "1022". */
  hotline?: string;
  /** Default: the assistant's prompts/aspects.json. */
  aspects?: AspectDetector;
  /** Default: prompts/aspects.json + prompts/dialogue/followup.json. */
  followUps?: FollowUpDetector;
  logger?: DialogueLogger;
  /** Called for every question answered (the web's question log). Failures are only logged. */
  recordQuestion?: (record: QuestionRecord) => void;
  /** Draft ids (tests pin them). Default: 8 random base-36 characters. */
  newId?: () => string;
  /**
   * Hand-off to hotline staff (src/handoff): escalation triggers, and relaying while a person has
   * the conversation. The core connects itself to it (`connect`), so that closing a ticket hands
   * the conversation back through `handBack`. Without it "/hotro" gives the hotline number and
   * the bot stays silent while the hand-off flag is set.
   */
  handoff?: DialogueHandoff;
}

export interface DialogueCoreHandle extends DialogueCore {
  /** The conversation store (answers shown; the state as saved). */
  store: ConversationStore;
  /** A person has the conversation now: the bot stays silent (after the user's earlier turns). */
  handOver(channel: ChannelName, userId: string): Promise<void>;
  /** The bot has the conversation again (after the user's earlier turns). Never rejects. */
  handBack(channel: ChannelName, userId: string): Promise<void>;
}

const silentLogger: DialogueLogger = { info() {}, warn() {}, error() {} };

const defaultNewId = () =>
  [...randomBytes(8)].map((b) => "0123456789abcdefghijklmnopqrstuvwxyz"[b % 36]).join("");

export function createDialogueCore(opts: DialogueCoreOptions): DialogueCoreHandle {
  const templates = opts.templates ?? loadDialogueTemplates();
  const store = createConversationStore(opts.db);
  const log = opts.logger ?? silentLogger;
  const writes = opts.writes ?? createWriteGate();
  const deps: Deps = {
    assistant: opts.assistant,
    queue: opts.queue,
    store,
    render: createRenderer(templates, opts.hotline ?? DEFAULT_HOTLINE),
    labels: templates.labels,
    aspects: opts.aspects ?? defaultAspectDetector(),
    followUps: opts.followUps ?? loadFollowUpDetector(),
    newId: opts.newId ?? defaultNewId,
    log,
    writes,
    recordQuestion: opts.recordQuestion,
  };
  const handOver = createHandOver(deps, opts.handoff);
  const feedback = createFeedbackFlow(deps);
  const status = createStatusFlow(deps);
  const answers = createAnswers(deps, handOver);
  const rating = createRating(deps, handOver);
  const commands = createCommands(deps, feedback, status, handOver);
  const statusText = createStatusHandlers(status);

  /** One turn: the first handler that takes the message answers it. */
  const route = compose(
    handOver.whileHandedOff, // a person has the conversation: relay to them; "/huy" ends it
    attachmentOnly(deps), // a photo or file without text
    handOver.buttons, // "handoff:…" buttons
    createActions(deps, { answers, rating, feedback, status, commands }), // every other button
    commands.handler, // "/start", "/phananh …", "/trangthai …", "/hotro", "/huy"
    createComplaint(feedback), // a complaint being written takes the text
    nothingToRead(deps), // no letters or digits
    rating.comment, // the comment after 👎
    statusText.token, // the token a status lookup waits for
    handOver.triggers, // words that call a person at once
    createChoices(deps, answers), // "2", a code, or a new aspect while choices are pending
    statusText.byRef, // "tra cứu phản ánh PAKN-…"
    createFollowUp(deps, answers), // "thế phí bao nhiêu?" after an answer
    createAsk(deps, answers, feedback, handOver), // anything else is a question
  );

  const apology = (): OutgoingMessage[] => [reply(deps.render("error"))];

  async function turnOf(msg: IncomingMessage): Promise<OutgoingMessage[]> {
    const now = opts.now();
    const { channel, userId } = msg;
    const save = (state: DialogueState) =>
      writes.run(() => store.save(channel, userId, state, now));
    const loaded = store.load(channel, userId, now);
    /** The state as far as the turn got: what is saved when a handler fails. */
    let reached = loaded;
    const facts = {
      channel,
      userId,
      now,
      message: msg,
      text: cleanInput(msg.text),
      displayName: short(cleanInput(msg.displayName, 200).replace(/[^\p{L}\p{N} .'-]/gu, ""), 40),
    };
    const turnAt = (state: DialogueState): Turn => ({
      ...facts,
      state,
      with: (patch) => turnAt((reached = applyPatch(state, patch))),
      async commit(write, patchFor) {
        const done = await writes.run(() =>
          opts.db
            .transaction(() => {
              const result = write();
              const patch = patchFor(result);
              store.save(channel, userId, applyPatch(state, patch), now);
              return { result, patch };
            })
            .immediate(),
        );
        reached = applyPatch(state, done.patch);
        return done;
      },
    });
    let taken: Reply;
    try {
      const outcome = await route(turnAt(loaded));
      if (outcome === null || isPass(outcome)) throw new Error("no handler took the message");
      taken = outcome;
    } catch (err) {
      if (!isBusyError(err)) {
        log.error({ err, channel }, "dialogue turn failed");
        await save(reached);
      } else {
        // Another connection held the write lock past the budget: saving the state now would
        // wait as long again. What the turn did write (a case filed) is in the state already.
        log.warn({ err, channel }, "dialogue turn not saved: database busy");
      }
      return apology();
    }
    if (taken.save === false) return taken.messages;
    const next = applyPatch(loaded, taken.patch ?? {});
    // A turn that changes nothing (a lookup, or "not sent, try again" while the database is busy)
    // does not wait for the lock to save it; one that does waits, or gets the apology.
    const unchanged = JSON.stringify(next) === JSON.stringify(loaded);
    try {
      await writes.run(
        () => store.save(channel, userId, next, now),
        unchanged ? { budgetMs: 0 } : {},
      );
    } catch (err) {
      if (!unchanged || !isBusyError(err)) throw err;
      log.warn({ channel }, "dialogue state not saved: database busy");
    }
    return taken.messages;
  }

  function validUser(msg: IncomingMessage): boolean {
    return (
      typeof msg === "object" &&
      msg !== null &&
      CHANNELS.includes(msg.channel) &&
      typeof msg.userId === "string" &&
      USER_ID.test(msg.userId)
    );
  }

  /** Turns, and hand-over changes from outside, one user at a time (per process). */
  const users = createKeyedQueue<string>();
  const userKey = (channel: ChannelName, userId: string) => `${channel}\u0000${userId}`;

  /** A change of state from outside a turn, applied on the user's queue. */
  function change(channel: ChannelName, userId: string, patch: StatePatch): Promise<void> {
    return users
      .run(userKey(channel, userId), () => {
        const now = opts.now();
        return writes.run(() =>
          opts.db
            .transaction(() => {
              const state = store.load(channel, userId, now);
              store.save(channel, userId, applyPatch(state, patch), now);
            })
            .immediate(),
        );
      })
      .catch((err: unknown) => log.error({ err, channel }, "dialogue state change failed"));
  }

  const core: DialogueCoreHandle = {
    store,
    handOver: (channel, userId) => change(channel, userId, { handedOff: true }),
    handBack: (channel, userId) => change(channel, userId, { handedOff: undefined }),
    handle(msg) {
      if (!validUser(msg)) {
        log.warn(
          { channel: typeof msg?.channel === "string" ? msg.channel.slice(0, 20) : null },
          "message without a valid channel or user id",
        );
        return Promise.resolve(apology());
      }
      return users
        .run(userKey(msg.channel, msg.userId), () => turnOf(msg))
        .catch((err: unknown) => {
          log.error({ err, channel: msg.channel }, "dialogue state unavailable");
          return apology();
        });
    },
  };
  opts.handoff?.connect(core);
  return core;
}
