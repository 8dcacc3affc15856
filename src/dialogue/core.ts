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
 * one at a time, in order, also across instances sharing one PostgreSQL database: a turn holds
 * the lock `dialogue:<channel>:<user>` (`sql.exclusive`: an advisory lock on PostgreSQL,
 * in-process on SQLite) from loading the user's state to saving it, so a turn on another
 * instance starts from what this one saved. Different users run in parallel.
 */
import { randomBytes } from "node:crypto";
import {
  DEFAULT_HOTLINE,
  defaultAspectDetector,
  type AspectDetector,
  type Assistant,
} from "../assistant/index.ts";
import { isBusyError, type SqlDatabase, type SqlExecutor } from "../db/index.ts";
import type { QuestionRecord } from "../db/index.ts";
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
import {
  reply,
  short,
  type Deps,
  type DialogueLogger,
  type DialogueFeedback,
  type Turn,
} from "./turn.ts";

export const CHANNELS: readonly ChannelName[] = ["web", "telegram", "zalo"];
const USER_ID = /^[\p{L}\p{N}_.:@-]{1,128}$/u;

export interface DialogueCoreOptions {
  assistant: Pick<Assistant, "ask" | "answerFor">;
  /** The PAKN store on the same database (a case is filed in the turn's transaction). */
  feedback: DialogueFeedback;
  /**
   * The database of the conversation state (SQLite or PostgreSQL). On SQLite a turn's writes wait
   * for a lock another connection holds without blocking the event loop (its write gate).
   */
  sql: SqlDatabase;
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
  /**
   * Turns holding their user's lock at once on this instance (PostgreSQL: each keeps a pooled
   * connection for the whole turn while its statements take others, so the pool must have room
   * beyond them). Default 5 on PostgreSQL (pool of 10, the hand-off holds at most 3); unlimited
   * on SQLite, where the lock takes no connection. Other users' turns wait for a free place.
   */
  lockedTurns?: number;
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
  const { sql } = opts;
  const store = createConversationStore(sql);
  const log = opts.logger ?? silentLogger;
  const deps: Deps = {
    assistant: opts.assistant,
    feedback: opts.feedback,
    store,
    render: createRenderer(templates, opts.hotline ?? DEFAULT_HOTLINE),
    labels: templates.labels,
    aspects: opts.aspects ?? defaultAspectDetector(),
    followUps: opts.followUps ?? loadFollowUpDetector(),
    newId: opts.newId ?? defaultNewId,
    log,
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

  /** One turn, `db` holding the user's lock. */
  async function turnOf(msg: IncomingMessage, db: SqlExecutor): Promise<OutgoingMessage[]> {
    const now = opts.now();
    const { channel, userId } = msg;
    const save = (state: DialogueState) => store.save(channel, userId, state, now, db);
    const loaded = await store.load(channel, userId, now, db);
    /** The state as far as the turn got: what is saved when a handler fails. */
    let reached = loaded;
    const facts = {
      db,
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
        const done = await sql.transaction(async (tx) => {
          const result = await write(tx);
          const patch = patchFor(result);
          await store.save(channel, userId, applyPatch(state, patch), now, tx);
          return { result, patch };
        });
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
    // still replies when the save finds the database busy; one that changes it gets the apology.
    const unchanged = JSON.stringify(next) === JSON.stringify(loaded);
    try {
      await save(next);
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

  /**
   * Turns, and hand-over changes from outside, one user at a time: in order on this instance (a
   * keyed queue, so that one user's messages wait here, not each on a database connection), and
   * across instances under the user's lock.
   */
  const users = createKeyedQueue<string>();
  const places = opts.lockedTurns ?? (sql.dialect === "postgres" ? 5 : Infinity);
  let held = 0;
  const queued: (() => void)[] = [];
  async function asUser<T>(
    channel: ChannelName,
    userId: string,
    fn: (db: SqlExecutor) => Promise<T>,
  ): Promise<T> {
    return users.run(`${channel}\u0000${userId}`, async () => {
      while (held >= places) await new Promise<void>((wake) => queued.push(wake));
      held++;
      try {
        return await sql.exclusive(`dialogue:${channel}:${userId}`, fn);
      } finally {
        held--;
        queued.shift()?.();
      }
    });
  }

  /** A change of state from outside a turn, applied after the user's turns under way. */
  function change(channel: ChannelName, userId: string, patch: StatePatch): Promise<void> {
    return asUser(channel, userId, async (db) => {
      const now = opts.now();
      const state = await store.load(channel, userId, now, db);
      await store.save(channel, userId, applyPatch(state, patch), now, db);
    }).catch((err: unknown) => log.error({ err, channel }, "dialogue state change failed"));
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
      return asUser(msg.channel, msg.userId, (db) => turnOf(msg, db)).catch((err: unknown) => {
        log.error({ err, channel: msg.channel }, "dialogue state unavailable");
        return apology();
      });
    },
  };
  opts.handoff?.connect(core);
  return core;
}
