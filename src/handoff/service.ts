/**
 * The hand-off to hotline staff: escalation (the dialogue core calls it through its `handoff`
 * option), relaying both ways, claiming and closing. Staff sides (the Telegram staff group, the
 * web console) call `claim`, `reply` and `close`; they learn about tickets through `StaffDesk`s.
 *
 *   const handoff = createHandoff({ sql, now, calendar, hours, send });
 *   const core = createDialogueCore({ …, handoff: handoff.dialogue });
 *   handoff.addDesk(telegramDesk);
 *
 * While a ticket is open the conversation's `handedOff` flag is set: the bot answers nothing and
 * the citizen's messages go to the ticket. The flag belongs to the dialogue: an escalation sets it
 * in the citizen's turn; closing a ticket asks the core to hand the conversation back (`connect`,
 * then `handBack` on the citizen's queue) and asks the citizen for a rating.
 *
 * Several instances may share one PostgreSQL database: a claim is one conditional UPDATE (of two
 * officers pressing "Nhận" on two instances, exactly one gets the ticket), and what is done on one
 * ticket (claim, staff replies, close) runs under that ticket's lock (`SqlDatabase.exclusive`, an
 * advisory lock), so the citizen gets the replies, and the transcript keeps them, in one order.
 *
 * What reaches the citizen, and what the officer learns of it: `send` hands a message to the
 * citizen's channel — the web chat's inbox, or for Telegram and Zalo the reply outbox
 * (keepingSenders in senders.ts), where it goes out after the bot's earlier replies, is retried
 * through an outage and never sent twice. A reply the platform has not taken yet is kept, not an
 * error: the desks are told it is queued (`notDelivered`, kind "queued"); no news after that means
 * it went out. A message the outbox gives up while the ticket is open — at once or after its
 * retries, outside Zalo's window, a blocked bot — is recorded in channel_undelivered, and the
 * desks are told (kind "undelivered", on the instance that gave it up; a notice that fails is
 * logged, the record stays). `delivery(ticket)` reads both back for the web console: what is
 * still waiting for the platform, and what was given up since the ticket opened.
 */
import type { Calendar } from "../calendar/index.ts";
import type {
  Attachment,
  ChannelName,
  OutgoingMessage,
  UndeliveredReason,
  UndeliveredReply,
} from "../channels/index.ts";
import type { SqlDatabase } from "../db/index.ts";
import { maskPersonalData } from "../logger.ts";
import type { DialogueHandoff, DialoguePort, HandoffTurn } from "../dialogue/index.ts";
import { visibleText } from "../text/index.ts";
import { createKeyedQueue } from "../util/index.ts";
import { handoffReport, type HandoffReport } from "./report.ts";
import { formatMinutes, formatOpening, hotlineStatus, type HotlineHours } from "./hours.ts";
import {
  createHandoffStore,
  type EscalationReason,
  type HandoffStore,
  type RecentAnswer,
  type Ticket,
} from "./store.ts";
import {
  detectTrigger,
  loadHandoffTexts,
  loadHandoffTriggers,
  type HandoffTexts,
  type HandoffTriggers,
} from "./texts.ts";
import { MotcuaError } from "../errors.ts";

/**
 * What became of a message to the citizen: taken by the platform (or the web inbox), kept for the
 * outbox's retries, or given up (recorded in channel_undelivered).
 */
export type CitizenDelivery = "sent" | "queued" | "undelivered";

/**
 * Sends one message to a citizen on their channel (keepingSenders: the web inbox, the reply
 * outbox). Resolving to nothing means sent; rejecting means nothing was handed to the channel.
 */
export type CitizenSend = (
  channel: ChannelName,
  userId: string,
  message: OutgoingMessage,
) => Promise<CitizenDelivery | void>;

/** What did not reach a conversation's citizen (yet), as the reply outbox knows it. */
export interface ConversationDelivery {
  /** Messages still waiting for the platform (the outbox retries them, in order). */
  waiting: number;
  /** Given up (open entries of channel_undelivered), oldest first. */
  undelivered: { text: string; reason: UndeliveredReason; at: string }[];
}

/** Where the hand-over learns what became of its messages after `send` (keepingSenders). */
export interface CitizenDeliveries {
  /** The conversation's waiting messages, and those given up at or after `since` (ISO). */
  status(channel: ChannelName, userId: string, since: string): Promise<ConversationDelivery>;
  /** `listener` hears of each message given up by this instance, once it is recorded. */
  onUndelivered(listener: (reply: UndeliveredReply) => Promise<void>): void;
}

/** A ticket's ConversationDelivery, each entry given up with why in words (for the console). */
export interface TicketDelivery {
  waiting: number;
  undelivered: { text: string; reason: UndeliveredReason; label: string; at: string }[];
}

/** A message to the ticket's citizen that did not go out at once. */
export type DeliveryNotice =
  | { kind: "queued"; text: string }
  | { kind: "undelivered"; text: string; reason: UndeliveredReason; label: string };

/** A staff side that shows tickets (the Telegram staff group). Failures are logged only. */
export interface StaffDesk {
  /** Messages from officers acting on this desk are not echoed back to it. */
  readonly source?: string;
  ticketOpened(ticket: Ticket): Promise<void>;
  /** `attachment`: what came with the text, for a desk that can show it (Telegram copies it). */
  citizenWrote(ticket: Ticket, text: string, attachment?: Attachment): Promise<void>;
  /** An officer wrote from another desk (e.g. the web console). */
  staffWrote(ticket: Ticket, officerName: string, text: string, source: string): Promise<void>;
  ticketClaimed(ticket: Ticket): Promise<void>;
  ticketClosed(ticket: Ticket): Promise<void>;
  /**
   * An officer's reply the platform did not take yet ("queued": kept, sent once it is back), or a
   * message of the open ticket given up for good ("undelivered": the citizen did not get it).
   */
  notDelivered(ticket: Ticket, notice: DeliveryNotice): Promise<void>;
}

export interface HandoffLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Who acts on a ticket: `id` is "tg:<user id>" or "web:<staff name>". */
export interface Officer {
  id: string;
  name: string;
  /** "telegram" or "web": the desk it acts from (not echoed back to it). */
  source: string;
}

/** `not_delivered`: nothing could be handed to the citizen's channel (none configured for it). */
export class HandoffError extends MotcuaError {
  constructor(
    readonly code: "not_found" | "closed" | "assigned_to_other" | "not_delivered" | "empty",
    message: string,
  ) {
    super(message);
  }
}

export interface HandoffOptions {
  sql: SqlDatabase;
  now: () => Date;
  calendar: Calendar;
  hours: HotlineHours;
  send: CitizenSend;
  /** What became of messages after `send`; without it the console shows nothing of it. */
  deliveries?: CitizenDeliveries;
  hotline?: string;
  texts?: HandoffTexts;
  triggers?: HandoffTriggers;
  logger?: HandoffLogger;
  /** Expected minutes per ticket ahead in the queue. Default 5. */
  minutesPerTicket?: number;
}

export interface Handoff {
  dialogue: DialogueHandoff;
  store: HandoffStore;
  addDesk(desk: StaffDesk): void;
  claim(ticketId: number, officer: Officer): Promise<Ticket>;
  reply(ticketId: number, officer: Officer, text: string): Promise<Ticket>;
  close(ticketId: number, officer: Officer): Promise<Ticket>;
  /** Measures over tickets created in [from, to). */
  report(from: Date, to: Date): Promise<HandoffReport>;
  /** What has not reached the ticket's citizen: waiting for the platform, given up since it opened. */
  delivery(ticket: Ticket): Promise<TicketDelivery>;
}

const silent: HandoffLogger = { warn() {}, error() {} };
/**
 * Ticket locks held at once by this instance. On PostgreSQL each holds a pooled connection while
 * its work takes others for a moment: fewer than the pool's connections, so that work never waits
 * for a connection only lock holders have.
 */
const MAX_LOCKED_TICKETS = 3;
const MAX_RELAY_CHARS = 4000;

const fill = (template: string, vars: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));

const clip = (text: string, max: number) => {
  const chars = Array.from(text.trim());
  return chars.length <= max ? chars.join("") : `${chars.slice(0, max - 1).join("")}…`;
};

export function createHandoff(deps: HandoffOptions): Handoff {
  const store = createHandoffStore(deps.sql);
  const texts = deps.texts ?? loadHandoffTexts();
  const triggers = deps.triggers ?? loadHandoffTriggers();
  const log = deps.logger ?? silent;
  const hotline = deps.hotline ?? "1022";
  const perTicket = deps.minutesPerTicket ?? 5;
  const desks: StaffDesk[] = [];

  const reasonText: Record<EscalationReason, string> = {
    asked: texts.reasonAsked,
    repeated_miss: texts.reasonRepeatedMiss,
    sensitive: texts.reasonSensitive,
  };

  async function toDesks(what: string, fn: (desk: StaffDesk) => Promise<void>, skip?: string) {
    for (const desk of desks) {
      if (skip !== undefined && desk.source === skip) continue;
      try {
        await fn(desk);
      } catch (err) {
        log.error({ err }, `staff desk failed: ${what}`);
      }
    }
  }

  /**
   * Per ticket, across instances: staff replies reach the citizen in the order they were written.
   * In this process a ticket's work queues here first, so that it waits without a connection.
   */
  const tickets = createKeyedQueue<number>();
  const slots = createSlots(MAX_LOCKED_TICKETS);
  const onTicket = <T>(id: number, work: () => Promise<T>): Promise<T> =>
    tickets.run(id, () => slots.run(() => deps.sql.exclusive(`handoff:ticket:${id}`, work)));
  /** The dialogue core, once it has connected. */
  let conversations: DialoguePort | null = null;

  // A message given up while the conversation is with an officer: the desks are told. (The closing
  // message, sent once the ticket is closed, is in channel_undelivered only.)
  deps.deliveries?.onUndelivered(async (reply) => {
    const ticket = await store.openFor(reply.channel, reply.userId);
    if (!ticket) return;
    const label = texts.undelivered[reply.reason];
    const notice: DeliveryNotice = {
      kind: "undelivered",
      text: reply.text,
      reason: reply.reason,
      label,
    };
    await toDesks("undelivered", (d) => d.notDelivered(ticket, notice));
  });

  /** Hands `message` to the citizen's channel; what became of it. Throws what `send` throws. */
  const toCitizen = async (ticket: Ticket, message: OutgoingMessage): Promise<CitizenDelivery> =>
    (await deps.send(ticket.channel, ticket.userId, message)) ?? "sent";

  async function summaryOf(
    turn: HandoffTurn,
    reason: EscalationReason,
    text: string,
  ): Promise<string> {
    const recent: RecentAnswer[] = await store.recent(turn.channel, turn.userId);
    const lines = [`Lý do chuyển: ${reasonText[reason]}`];
    if (text) lines.push(`Công dân viết: ${clip(maskPersonalData(text), 500)}`);
    const last = recent[0];
    if (last) {
      lines.push(`Câu hỏi: ${last.question}`);
      lines.push(
        `Thủ tục bot tìm được: ${last.procedures.length ? last.procedures.join("; ") : "(không tìm thấy)"}`,
      );
      lines.push(`Bot đã trả lời: ${last.answer}`);
    }
    for (const older of recent.slice(1)) lines.push(`Trước đó hỏi: ${older.question}`);
    return lines.join("\n");
  }

  async function open(turn: HandoffTurn, reason: EscalationReason, text: string, later: boolean) {
    const { ticket, created } = await store.open({
      channel: turn.channel,
      userId: turn.userId,
      reason,
      summary: await summaryOf(turn, reason, text),
      now: turn.now,
    });
    if (!created) {
      return { messages: [{ text: fill(texts.already, { id: ticket.id }) }], handedOff: true };
    }
    if (text) {
      await store.addMessage(ticket.id, "citizen", null, clip(text, MAX_RELAY_CHARS), turn.now);
    }
    await store.resetMisses(turn.channel, turn.userId, turn.now);
    await toDesks("opened", (d) => d.ticketOpened(ticket));
    const ahead = (await store.list(["waiting"])).length;
    const message = later
      ? fill(texts.queuedLater, {
          id: ticket.id,
          opens: formatOpening(hotlineStatus(turn.now, deps.hours, deps.calendar).next),
        })
      : fill(texts.queued, { id: ticket.id, hotline, minutes: Math.max(1, ahead) * perTicket });
    await store.addMessage(ticket.id, "bot", null, message, turn.now);
    return { messages: [{ text: message }], handedOff: true };
  }

  const dialogue: DialogueHandoff = {
    connect(port) {
      conversations = port;
    },
    trigger: (text) => detectTrigger(triggers, text),
    async noteAnswer(turn, entry, outcome) {
      const recent: RecentAnswer | null = entry
        ? {
            question: clip(maskPersonalData(entry.question), 300),
            procedures: entry.procedures.slice(0, 5),
            answer: clip(maskPersonalData(entry.answer), 400),
            at: turn.now.toISOString(),
          }
        : null;
      const streak = await store.noteAnswer(turn.channel, turn.userId, recent, outcome, turn.now);
      return streak >= triggers.missesInARow;
    },
    async escalate(turn, reason, text) {
      const status = hotlineStatus(turn.now, deps.hours, deps.calendar);
      if (status.open || (await store.openFor(turn.channel, turn.userId))) {
        return open(turn, reason, text, false);
      }
      const hours = `${formatMinutes(deps.hours.start)}–${formatMinutes(deps.hours.end)}`;
      return {
        messages: [
          {
            text: fill(texts.closedHours, { hours, opens: formatOpening(status.next) }),
            buttons: [
              [{ label: texts.buttonFeedback, action: "cmd:phananh" }],
              [{ label: texts.buttonQueue, action: `handoff:queue:${reason}` }],
            ],
          },
        ],
        handedOff: false,
      };
    },
    async relay(turn, text, attachment) {
      const ticket = await store.openFor(turn.channel, turn.userId);
      if (!ticket) return false;
      const body = clip(text, MAX_RELAY_CHARS);
      if (!body) return true;
      await store.addMessage(ticket.id, "citizen", null, body, turn.now);
      await toDesks("citizen message", (d) => d.citizenWrote(ticket, body, attachment));
      return true;
    },
    async release(turn) {
      const open = await store.openFor(turn.channel, turn.userId);
      if (!open) return [];
      return onTicket(open.id, async () => {
        const closed = await store.close(open.id, "citizen", turn.now);
        if (!closed) return [];
        await store.addMessage(open.id, "bot", null, texts.releasedStaff, turn.now);
        await toDesks("released", (d) => d.ticketClosed(closed));
        return [{ text: texts.released }];
      });
    },
    async onAction(turn, action) {
      let m = /^handoff:queue:(asked|repeated_miss|sensitive)$/.exec(action);
      if (m) {
        const status = hotlineStatus(turn.now, deps.hours, deps.calendar);
        return open(turn, m[1] as EscalationReason, "", !status.open);
      }
      m = /^handoff:rate:(\d{1,12}):([1-5])$/.exec(action);
      if (m) {
        const ok = await store.rate(Number(m[1]), turn.channel, turn.userId, Number(m[2]));
        return { messages: [{ text: ok ? texts.rated : texts.rateStale }], handedOff: false };
      }
      return null;
    },
  };

  async function mustGet(id: number): Promise<Ticket> {
    const ticket = await store.get(id);
    if (!ticket) throw new HandoffError("not_found", `no ticket ${id}`);
    return ticket;
  }

  /** Under the ticket's lock. */
  async function claimLocked(ticketId: number, officer: Officer): Promise<Ticket> {
    const ticket = await mustGet(ticketId);
    if (ticket.status === "closed") throw new HandoffError("closed", "ticket closed");
    const now = deps.now();
    const claimed = await store.claim(ticketId, officer.id, officer.name, now);
    if (!claimed) {
      const current = await mustGet(ticketId);
      if (current.assignee === officer.id) return current;
      throw new HandoffError(
        current.status === "closed" ? "closed" : "assigned_to_other",
        `ticket ${ticketId} is ${current.status}`,
      );
    }
    const text = fill(texts.claimed, { hotline });
    await store.addMessage(ticketId, "bot", null, text, now);
    try {
      await toCitizen(claimed, { text });
    } catch (err) {
      log.warn({ err, ticket: ticketId }, "claim notice not delivered");
    }
    await toDesks("claimed", (d) => d.ticketClaimed(claimed));
    return claimed;
  }

  return {
    dialogue,
    store,
    addDesk(desk) {
      desks.push(desk);
    },
    claim: (ticketId, officer) => onTicket(ticketId, () => claimLocked(ticketId, officer)),
    report: (from, to) => handoffReport(deps.sql, from, to),
    async delivery(ticket) {
      if (!deps.deliveries) return { waiting: 0, undelivered: [] };
      const status = await deps.deliveries.status(ticket.channel, ticket.userId, ticket.createdAt);
      return {
        waiting: status.waiting,
        undelivered: status.undelivered.map((u) => ({ ...u, label: texts.undelivered[u.reason] })),
      };
    },
    reply(ticketId, officer, raw) {
      const text = clip(raw, MAX_RELAY_CHARS);
      if (!visibleText(text).trim()) {
        return Promise.reject(new HandoffError("empty", "empty reply"));
      }
      return onTicket(ticketId, async () => {
        let ticket = await mustGet(ticketId);
        if (ticket.status === "closed") throw new HandoffError("closed", "ticket closed");
        if (ticket.status === "waiting") ticket = await claimLocked(ticketId, officer);
        if (ticket.assignee !== officer.id) {
          throw new HandoffError("assigned_to_other", `ticket ${ticketId} is someone else's`);
        }
        // Queued or given up is not an error: the reply is the officer's, the desks are told.
        let delivery: CitizenDelivery;
        try {
          delivery = await toCitizen(ticket, { text: fill(texts.staffReply, { text }) });
        } catch (err) {
          log.warn({ err, ticket: ticketId }, "staff reply not delivered");
          throw new HandoffError("not_delivered", "the citizen could not be reached");
        }
        await store.addMessage(ticketId, "staff", officer.id, text, deps.now());
        const after = await mustGet(ticketId);
        await toDesks(
          "staff message",
          (d) => d.staffWrote(after, officer.name, text, officer.source),
          officer.source,
        );
        if (delivery === "queued") {
          await toDesks("reply queued", (d) => d.notDelivered(after, { kind: "queued", text }));
        }
        return after;
      });
    },
    close(ticketId, officer) {
      return onTicket(ticketId, async () => {
        const now = deps.now();
        const current = await store.get(ticketId);
        if (current?.status === "assigned" && current.assignee !== officer.id) {
          throw new HandoffError("assigned_to_other", `ticket ${ticketId} is someone else's`);
        }
        const closed = await store.close(ticketId, officer.id, now);
        if (!closed) {
          const gone = !(await store.get(ticketId));
          throw new HandoffError(gone ? "not_found" : "closed", "not open");
        }
        // Queued on the citizen's turns (not awaited here: a turn under way may be waiting for
        // this ticket), before the citizen is told, so their next message finds the bot back.
        void conversations?.handBack(closed.channel, closed.userId);
        const message: OutgoingMessage = {
          text: texts.closed,
          buttons: [
            [1, 2, 3, 4, 5].map((n) => ({
              label: "⭐".repeat(n),
              action: `handoff:rate:${ticketId}:${n}`,
            })),
          ],
        };
        await store.addMessage(ticketId, "bot", null, texts.closed, now);
        try {
          await toCitizen(closed, message);
        } catch (err) {
          log.warn({ err, ticket: ticketId }, "close notice not delivered");
        }
        await toDesks("closed", (d) => d.ticketClosed(closed));
        return closed;
      });
    },
  };
}

/** At most `n` tasks at once; the others wait in turn. */
function createSlots(n: number) {
  let free = n;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (free > 0) free--;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else free++;
      }
    },
  };
}
