/**
 * Hand-over to hotline staff (src/handoff), as the dialogue sees it. Handlers: relaying to the
 * officer while a person has the conversation, "handoff:…" buttons, trigger words. Escalations
 * other handlers ask for: too many misses in a row, "/hotro", the handoff intent. Every change of
 * the hand-over flag is a patch of a turn; the hand-off service hands a conversation back through
 * the core's `handBack` (core.ts), on the same per-user queue.
 */
import type { AskResult } from "../../assistant/index.ts";
import type { Attachment } from "../../channels/index.ts";
import { isHttpsLink } from "../../util/index.ts";
import type { DialogueHandoff } from "../handoff-port.ts";
import { pass, type Handler, type Reply } from "../compose.ts";
import { cleanInput, parseCommand } from "../input.ts";
import type { StatePatch } from "../state.ts";
import { reply, type Deps, type Turn } from "../turn.ts";

type Reason = Parameters<DialogueHandoff["escalate"]>[1];

const QUEUE_ACTION = "handoff:queue:";

/** A person now has the conversation: the bot's waits are dropped. */
const HANDED_OFF: StatePatch = {
  handedOff: true,
  pending: undefined,
  comment: undefined,
  token: undefined,
};

export function createHandOver(deps: Deps, handoff: DialogueHandoff | undefined) {
  const { labels, log } = deps;
  const apology = (): Reply => ({ messages: [reply(deps.render("error"))], save: false });

  /** The reply, remembering the queue buttons it offers (only those are honoured later). */
  const asReply = (
    turn: Turn,
    outcome: Awaited<ReturnType<DialogueHandoff["escalate"]>>,
  ): Reply => {
    const actions = outcome.messages
      .flatMap((m) => m.buttons?.flat() ?? [])
      .map((b) => b.action)
      .filter((a) => a.startsWith(QUEUE_ACTION));
    const offered: StatePatch =
      actions.length > 0 ? { offered: { actions, at: turn.now.toISOString() } } : {};
    return outcome.handedOff
      ? { messages: outcome.messages, patch: { ...HANDED_OFF, ...offered } }
      : { messages: outcome.messages, patch: offered };
  };

  /** A person is called for; null without the hand-off module. */
  async function escalate(turn: Turn, reason: Reason, text: string): Promise<Reply | null> {
    return handoff ? asReply(turn, await handoff.escalate(turn, reason, text)) : null;
  }

  /** After an answer: a person when the bot missed too often in a row (only a miss escalates). */
  async function afterAnswer(turn: Turn, question: string, result: AskResult) {
    if (!handoff || (result.intent !== "procedure" && result.intent !== "out_of_scope")) {
      return null;
    }
    const miss = result.confidence === "not_found" || result.intent === "out_of_scope";
    const entry = {
      question,
      procedures: result.procedures.slice(0, 3).map((p) => `${p.code} ${p.name}`),
      answer: result.answer,
    };
    const streakReached = await handoff.noteAnswer(turn, entry, miss ? "miss" : "neutral");
    return miss && streakReached ? escalate(turn, "repeated_miss", "") : null;
  }

  /** After 👍 (resets the streak) or 👎 (a miss). */
  async function afterRating(turn: Turn, rating: "up" | "down"): Promise<Reply | null> {
    if (!handoff) return null;
    const outcome = rating === "down" ? "miss" : "hit";
    const streakReached = await handoff.noteAnswer(turn, null, outcome);
    return streakReached ? escalate(turn, "repeated_miss", "") : null;
  }

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

  /** While a person has the conversation: the bot is silent and relays; "/huy" ends it. */
  const whileHandedOff: Handler = async (turn) => {
    if (!turn.state.handedOff) return null;
    if (!handoff) return { messages: [], save: false };
    const { message: msg } = turn;
    if (parseCommand(turn.text)?.name === "cancel") {
      try {
        return { messages: await handoff.release(turn), patch: { handedOff: undefined } };
      } catch (err) {
        log.error({ err, channel: turn.channel }, "hand-off release failed");
        return apology();
      }
    }
    try {
      const relayed =
        turn.text ||
        attachmentNote(msg.attachment) ||
        (typeof msg.action === "string" ? `[${msg.action.slice(0, 64)}]` : "");
      if (await handoff.relay(turn, relayed, msg.attachment)) return { messages: [], save: false };
    } catch (err) {
      log.error({ err, channel: turn.channel }, "hand-off relay failed");
      return apology();
    }
    // The ticket was closed meanwhile: the bot has the conversation again.
    return pass({ handedOff: undefined });
  };

  /** "handoff:…" buttons (queue outside hours, rate the officer); others pass. */
  const buttons: Handler = async (turn) => {
    const { action } = turn.message;
    if (!handoff || typeof action !== "string" || !action.startsWith("handoff:")) return null;
    if (action.startsWith(QUEUE_ACTION)) {
      // Joining the queue opens a ticket: only from a button the bot offered here.
      if (!turn.state.offered?.actions.includes(action)) {
        return { messages: [reply(deps.render("stale-button"))], save: false };
      }
    }
    const outcome = await handoff.onAction(turn, action);
    if (!outcome) return null;
    const answered = asReply(turn, outcome);
    return { ...answered, patch: { offered: undefined, ...answered.patch } };
  };

  /** Words that call a person at once (sensitive matters). */
  const triggers: Handler = (turn) => {
    const reason = handoff?.trigger(turn.text);
    return reason ? escalate(turn, reason, turn.text) : null;
  };

  return {
    /** False without the hand-off module: "/hotro" then gives the hotline number. */
    enabled: handoff !== undefined,
    escalate,
    afterAnswer,
    afterRating,
    whileHandedOff,
    buttons,
    triggers,
  };
}

export type HandOver = ReturnType<typeof createHandOver>;
