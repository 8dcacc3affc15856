/**
 * The channel-neutral dialogue core: one `handle(message)` for the web chat, Telegram and Zalo.
 * It keeps a small state per channel user in SQLite (pending choices, the procedure answered last,
 * a complaint being written, a 👎 awaiting its comment, a status lookup awaiting its token) and
 * turns the assistant's answers into messages with buttons.
 *
 * handle() never throws: bad input gets a short Vietnamese message, failures an apology (details
 * go to the logger, without personal data). Messages of one user are handled one at a time, in
 * order; different users run in parallel.
 */
import { randomBytes } from "node:crypto";
import {
  DEFAULT_HOTLINE,
  defaultAspectDetector,
  type AskResult,
  type Aspect,
  type AspectDetector,
  type Assistant,
} from "../assistant/index.ts";
import type { Database } from "../db/database.ts";
import type { QuestionRecord } from "../db/questions.ts";
import type { FeedbackQueue } from "../feedback/index.ts";
import type {
  Attachment,
  Button,
  ChannelName,
  DialogueCore,
  IncomingMessage,
  OutgoingMessage,
} from "../channels/types.ts";
import { isHttpsLink } from "../channels/types.ts";
import { createFeedbackFlow } from "./feedback-flow.ts";
import { loadFollowUpDetector, type FollowUpDetector } from "./followup.ts";
import {
  bareCode,
  choiceNumber,
  cleanInput,
  findRef,
  folded,
  hasContent,
  parseAction,
  parseCommand,
  type Action,
  type Command,
} from "./input.ts";
import { LABELS } from "../assistant/format.ts";
import type { Choice } from "./state.ts";
import type { DialogueHandoff } from "../handoff/service.ts";
import { createStatusFlow } from "./status-flow.ts";
import { createConversationStore, type AnswerRecord, type ConversationStore } from "./store.ts";
import { createRenderer, loadDialogueTemplates, type DialogueTemplates } from "./templates.ts";
import { reply, short, type Deps, type DialogueLogger, type Turn } from "./turn.ts";

export const CHANNELS: readonly ChannelName[] = ["web", "telegram", "zalo"];
const USER_ID = /^[\p{L}\p{N}_.:@-]{1,128}$/u;
/** Longest comment kept with a 👎 (the queue's limit). */
const MAX_COMMENT_CHARS = 1000;

export interface DialogueCoreOptions {
  assistant: Pick<Assistant, "ask" | "answerFor">;
  queue: Pick<FeedbackQueue, "fileCase" | "citizenView" | "citizenViewForFiler" | "rateAnswer">;
  db: Database;
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
   * the conversation. Without it "/hotro" gives the hotline number and the bot stays silent while
   * the hand-off flag is set.
   */
  handoff?: DialogueHandoff;
}

export interface DialogueCoreHandle extends DialogueCore {
  /** The conversation store, e.g. for the hand-off flag. */
  store: ConversationStore;
}

const silentLogger: DialogueLogger = { info() {}, warn() {}, error() {} };

const defaultNewId = () =>
  [...randomBytes(8)].map((b) => "0123456789abcdefghijklmnopqrstuvwxyz"[b % 36]).join("");

export function createDialogueCore(opts: DialogueCoreOptions): DialogueCoreHandle {
  const templates = opts.templates ?? loadDialogueTemplates();
  const store = createConversationStore(opts.db);
  const log = opts.logger ?? silentLogger;
  const render = createRenderer(templates, opts.hotline ?? DEFAULT_HOTLINE);
  const deps: Deps = {
    assistant: opts.assistant,
    queue: opts.queue,
    db: opts.db,
    store,
    render,
    labels: templates.labels,
    aspects: opts.aspects ?? defaultAspectDetector(),
    followUps: opts.followUps ?? loadFollowUpDetector(),
    newId: opts.newId ?? defaultNewId,
    log,
    recordQuestion: opts.recordQuestion,
  };
  const { labels } = templates;
  const feedback = createFeedbackFlow(deps);
  const status = createStatusFlow(deps);

  // ---- answers -------------------------------------------------------------------------------

  const choiceRows = (choices: readonly Choice[]): Button[][] =>
    choices.map((c, i) => [
      {
        label: short(`${i + 1}. ${c.name}${c.level ? ` – ${c.level}` : ""}`, 64),
        action: `pick:${c.code}`,
      },
    ]);

  function record(turn: Turn, question: string, result: AskResult): void {
    if (!deps.recordQuestion) return;
    try {
      deps.recordQuestion({
        askedAt: turn.now,
        channel: turn.channel,
        question,
        intent: result.intent,
        topCode: result.procedures[0]?.code ?? null,
        confidence: result.confidence,
      });
    } catch (err) {
      log.error({ err }, "could not record the question");
    }
  }

  /** Escalation messages; sets the hand-off flag when a person now has the conversation. */
  async function escalate(
    turn: Turn,
    run: () => Promise<{ messages: OutgoingMessage[]; handedOff: boolean } | null>,
  ): Promise<OutgoingMessage[] | null> {
    const outcome = await run();
    if (!outcome) return null;
    if (outcome.handedOff) {
      const { state } = turn;
      state.handedOff = true;
      delete state.pending;
      delete state.comment;
      delete state.token;
    }
    return outcome.messages;
  }

  /** The answer, then a person when the bot missed too often in a row. */
  async function present(
    turn: Turn,
    question: string,
    result: AskResult,
  ): Promise<OutgoingMessage[]> {
    const out = presentAnswer(turn, question, result);
    const handoff = opts.handoff;
    if (!handoff || (result.intent !== "procedure" && result.intent !== "out_of_scope")) return out;
    const miss = result.confidence === "not_found" || result.intent === "out_of_scope";
    const entry = {
      question,
      procedures: result.procedures.slice(0, 3).map((p) => `${p.code} ${p.name}`),
      answer: result.answer,
    };
    // Only a miss can escalate: a good answer after two misses must not bring a person in.
    const streakReached = handoff.noteAnswer(turn, entry, miss ? "miss" : "neutral");
    if (!miss || !streakReached) return out;
    const more = await escalate(turn, () => handoff.escalate(turn, "repeated_miss", ""));
    return [...out, ...(more ?? [])];
  }

  function presentAnswer(turn: Turn, question: string, result: AskResult): OutgoingMessage[] {
    record(turn, question, result);
    const { state } = turn;
    if (result.intent === "procedure" && result.choices.length >= 2) {
      state.pending = {
        question: short(question, 300),
        aspect: result.aspect,
        choices: result.choices.map((c) => ({ code: c.code, name: c.name, level: c.level })),
        at: turn.now.toISOString(),
      };
      return [reply(result.answer, choiceRows(result.choices))];
    }
    const best = result.procedures[0];
    if (result.intent === "procedure" && result.confidence !== "not_found" && best) {
      delete state.pending;
      state.last = { code: best.code, name: best.name, at: turn.now.toISOString() };
      const id = store.recordAnswer(
        turn.channel,
        turn.userId,
        { procedureCode: best.code, aspect: result.aspect, question },
        turn.now,
      );
      return [
        reply(result.answer, [
          [
            { label: labels.rateUp, action: `rate:up:${id}` },
            { label: labels.rateDown, action: `rate:down:${id}` },
          ],
        ]),
      ];
    }
    return [reply(result.answer)];
  }

  function pick(turn: Turn, code: string): Promise<OutgoingMessage[]> {
    const pending = turn.state.pending;
    const aspect: Aspect = pending?.aspect ?? "overview";
    delete turn.state.pending;
    const result = deps.assistant.answerFor(code, aspect);
    return present(turn, pending?.question ?? code, result);
  }

  async function ask(turn: Turn, text: string): Promise<OutgoingMessage[]> {
    const result = await deps.assistant.ask(text);
    if (result.intent === "feedback") {
      record(turn, text, result);
      const kind = /(?:^| )(?:kien nghi|gop y|de xuat|de nghi)(?: |$)/.test(folded(text))
        ? "proposal"
        : "complaint";
      return feedback.start(turn, kind, text, true);
    }
    const handoff = opts.handoff;
    if (handoff && result.intent === "handoff") {
      record(turn, text, result);
      const out = await escalate(turn, () => handoff.escalate(turn, "asked", text));
      if (out) return out;
    }
    return present(turn, text, result);
  }

  // ---- ratings -------------------------------------------------------------------------------

  /** A rating of an earlier answer, with the citizen's comment on a 👎, into the queue. */
  function saveRating(
    turn: Turn,
    answer: AnswerRecord,
    rating: "up" | "down",
    comment?: string,
  ): void {
    deps.queue.rateAnswer({
      channel: turn.channel,
      userId: turn.userId,
      answerId: `a${answer.id}`,
      rating,
      ...(comment !== undefined ? { comment } : {}),
      question: answer.questionMasked,
      procedureCode: answer.procedureCode,
    });
  }

  async function rate(
    turn: Turn,
    rating: "up" | "down",
    answerId: number,
  ): Promise<OutgoingMessage[]> {
    const answer = store.answer(turn.channel, turn.userId, answerId);
    if (!answer) return [reply(render("rate-not-found"))];
    saveRating(turn, answer, rating);
    const handoff = opts.handoff;
    if (handoff?.noteAnswer(turn, null, rating === "down" ? "miss" : "hit")) {
      const more = await escalate(turn, () => handoff.escalate(turn, "repeated_miss", ""));
      if (more) return more;
    }
    if (rating === "up") {
      delete turn.state.comment;
      return [reply(render("rate-up"))];
    }
    turn.state.comment = { answerId: answer.id, at: turn.now.toISOString() };
    return [reply(render("rate-down"), [[{ label: labels.skip, action: "rate:skip" }]])];
  }

  function comment(turn: Turn, answerId: number, text: string): OutgoingMessage[] {
    delete turn.state.comment;
    const answer = store.answer(turn.channel, turn.userId, answerId);
    if (!answer) return [reply(render("rate-not-found"))];
    saveRating(turn, answer, "down", Array.from(text).slice(0, MAX_COMMENT_CHARS).join(""));
    return [reply(render("rate-comment"))];
  }

  // ---- commands and buttons ------------------------------------------------------------------

  async function command(turn: Turn, cmd: Command): Promise<OutgoingMessage[]> {
    const { state } = turn;
    if (cmd.name !== "status") delete state.token;
    delete state.comment;
    switch (cmd.name) {
      case "start":
        return [
          reply(render("start", { name: turn.displayName ? ` ${turn.displayName}` : "" }), [
            [{ label: labels.menuFeedback, action: "cmd:phananh" }],
            [{ label: labels.menuStatus, action: "cmd:trangthai" }],
            [{ label: labels.menuHuman, action: "cmd:hotro" }],
          ]),
        ];
      case "help":
        return [reply(render("help"))];
      case "status":
        return status.onRequest(turn, cmd.args);
      case "complaint":
      case "proposal":
        return feedback.start(turn, cmd.name, cmd.args, false);
      case "handoff": {
        const handoff = opts.handoff;
        if (handoff) {
          const out = await escalate(turn, () => handoff.escalate(turn, "asked", cmd.raw));
          if (out) return out;
        }
        // Without the hand-off module: the assistant's answer (the hotline number).
        const result = await deps.assistant.ask("/hotro");
        return [reply(result.answer)];
      }
      case "cancel":
        delete state.draft;
        delete state.pending;
        delete state.token;
        return [reply(render("fb-cancelled"))];
      case "unknown":
        return [reply(render("unknown-command", { command: short(cmd.raw, 32) }))];
    }
  }

  async function action(turn: Turn, a: Action): Promise<OutgoingMessage[]> {
    const { state } = turn;
    if (a.type !== "rate-skip") delete state.comment;
    switch (a.type) {
      case "pick":
        return pick(turn, a.code);
      case "rate":
        return rate(turn, a.rating, a.answerId);
      case "rate-skip":
        delete state.comment;
        return [reply(render("rate-skip"))];
      case "fb-send":
      case "fb-edit":
      case "fb-cancel":
      case "fb-last":
      case "fb-skip":
      case "fb-field":
        return feedback.onAction(turn, a);
      case "status":
        return status.lookup(turn, a.ref, null);
      case "command":
        return command(turn, { name: a.name, args: "", raw: "" });
      case "invalid":
        return [reply(render("stale-button"))];
    }
  }

  // ---- one turn ------------------------------------------------------------------------------

  async function route(turn: Turn, msg: IncomingMessage): Promise<OutgoingMessage[]> {
    const { state } = turn;
    if (msg.action !== undefined && msg.action !== null) {
      const handoff = opts.handoff;
      if (handoff && typeof msg.action === "string" && msg.action.startsWith("handoff:")) {
        const out = await escalate(turn, () => handoff.onAction(turn, msg.action as string));
        if (out) return out;
      }
      return action(turn, parseAction(msg.action));
    }
    const text = cleanInput(msg.text);
    const cmd = text.startsWith("/") ? parseCommand(text) : null;
    if (cmd) return command(turn, cmd);
    if (!hasContent(text)) {
      return state.draft ? [feedback.prompt(turn, state.draft)] : [reply(render("empty"))];
    }
    if (state.draft) return feedback.onText(turn, state.draft, text);
    if (state.comment) return comment(turn, state.comment.answerId, text);
    const byToken = status.onTokenText(turn, text);
    if (byToken) return byToken;
    const handoff = opts.handoff;
    const reason = handoff?.trigger(text);
    if (handoff && reason) {
      const out = await escalate(turn, () => handoff.escalate(turn, reason, text));
      if (out) return out;
    }

    if (state.pending) {
      const n = choiceNumber(text);
      const { choices } = state.pending;
      if (n !== null) {
        const chosen = choices[n - 1];
        if (chosen) return pick(turn, chosen.code);
        return [reply(render("pick-range", { count: choices.length }))];
      }
      const code = bareCode(text);
      if (code) return pick(turn, code);
      const aspect = deps.aspects.detectAspect(text);
      if (aspect !== "overview" && deps.followUps.isAspectOnly(text)) {
        // "thế phí bao nhiêu?" before choosing: the choice will answer that instead.
        state.pending.aspect = aspect;
        state.pending.at = turn.now.toISOString();
        return [
          reply(
            render("pick-aspect", { count: choices.length, what: LABELS.field[aspect] }),
            choiceRows(choices),
          ),
        ];
      }
      delete state.pending;
    }
    if (findRef(text)) return status.onRequest(turn, text);
    if (state.last && deps.followUps.isAspectOnly(text)) {
      const aspect = deps.aspects.detectAspect(text);
      if (aspect !== "overview") {
        // Through ask (not answerFor) so that the LLM path, when configured, answers it too.
        const answer = await deps.assistant.ask(text, { previousCode: state.last.code });
        return present(turn, text, answer);
      }
    }
    return ask(turn, text);
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

  const tails = new Map<string, Promise<unknown>>();
  /** Runs fn after the previous turns of the same user (per process). */
  function serialize<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  }

  const apology = (): OutgoingMessage[] => [reply(render("error"))];

  /** "[Ảnh] caption\nlink": how an attachment reaches the officer as text. */
  const attachmentNote = (a: Attachment | undefined): string => {
    if (!a) return "";
    const caption = cleanInput(a.caption, 1000);
    const url = isHttpsLink(a.url) ? a.url : "";
    return [`[${labels.attachments[a.kind] ?? labels.attachments.other}]`, caption]
      .filter(Boolean)
      .join(" ")
      .concat(url ? `\n${url}` : "");
  };

  async function turnOf(msg: IncomingMessage): Promise<OutgoingMessage[]> {
    const now = opts.now();
    const state = store.load(msg.channel, msg.userId, now);
    if (state.handedOff) {
      if (!opts.handoff) return [];
      const handoff = opts.handoff;
      if (parseCommand(cleanInput(msg.text))?.name === "cancel") {
        // "/huy": the citizen stops waiting for (or talking with) the officer.
        let out: OutgoingMessage[];
        try {
          out = await handoff.release({ channel: msg.channel, userId: msg.userId, now });
        } catch (err) {
          log.error({ err, channel: msg.channel }, "hand-off release failed");
          return apology();
        }
        delete state.handedOff;
        store.save(msg.channel, msg.userId, state, now);
        return out;
      }
      try {
        const relayed =
          cleanInput(msg.text) ||
          attachmentNote(msg.attachment) ||
          (typeof msg.action === "string" ? `[${msg.action.slice(0, 64)}]` : "");
        const turn = { channel: msg.channel, userId: msg.userId, now };
        if (await handoff.relay(turn, relayed, msg.attachment)) return [];
      } catch (err) {
        log.error({ err, channel: msg.channel }, "hand-off relay failed");
        return apology();
      }
      // The ticket was closed meanwhile: the bot has the conversation again.
      delete state.handedOff;
    }
    if (msg.attachment && !cleanInput(msg.text) && msg.action === undefined) {
      store.save(msg.channel, msg.userId, state, now);
      return [reply(render("text-only"))];
    }
    const turn: Turn = {
      channel: msg.channel,
      userId: msg.userId,
      displayName: short(cleanInput(msg.displayName, 200).replace(/[^\p{L}\p{N} .'-]/gu, ""), 40),
      state,
      now,
    };
    let out: OutgoingMessage[];
    try {
      out = await route(turn, msg);
    } catch (err) {
      log.error({ err, channel: msg.channel }, "dialogue turn failed");
      out = apology();
    }
    store.save(msg.channel, msg.userId, turn.state, now);
    return out;
  }

  return {
    store,
    handle(msg) {
      if (!validUser(msg)) {
        log.warn(
          { channel: typeof msg?.channel === "string" ? msg.channel.slice(0, 20) : null },
          "message without a valid channel or user id",
        );
        return Promise.resolve(apology());
      }
      return serialize(`${msg.channel}\u0000${msg.userId}`, () => turnOf(msg)).catch(
        (err: unknown) => {
          log.error({ err, channel: msg.channel }, "dialogue state unavailable");
          return apology();
        },
      );
    },
  };
}
