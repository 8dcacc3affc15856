/**
 * Hand-off tickets in SQLite (see the hand-off migration in src/db/migrations.ts): one open ticket
 * per conversation (channel, user id), its transcript, the staff-group posts that belong to it, and
 * a little per-conversation context (recent answers, misses in a row) for escalation summaries.
 */
import type { ChannelName } from "../channels/index.ts";
import type { Database } from "../db/index.ts";

export type TicketStatus = "waiting" | "assigned" | "closed";
import type { EscalationReason } from "../dialogue/index.ts";

export type { EscalationReason };
export type Author = "citizen" | "staff" | "bot";

export interface Ticket {
  id: number;
  channel: ChannelName;
  userId: string;
  status: TicketStatus;
  reason: EscalationReason;
  /** Built for the officer, personal data masked. */
  summary: string;
  /** "tg:<id>" or "web:<staff name>". */
  assignee: string | null;
  assigneeName: string | null;
  createdAt: string;
  assignedAt: string | null;
  firstResponseAt: string | null;
  closedAt: string | null;
  closedBy: string | null;
  rating: number | null;
  staffChatId: number | null;
  staffMessageId: number | null;
  staffThreadId: number | null;
}

export interface TranscriptLine {
  id: number;
  author: Author;
  officer: string | null;
  text: string;
  at: string;
}

/** What the bot did recently in a conversation (question masked), for the officer's summary. */
export interface RecentAnswer {
  question: string;
  procedures: string[];
  answer: string;
  at: string;
}

export interface HandoffStore {
  /** Opens a ticket, or returns the conversation's open one (never two open per conversation). */
  open(input: {
    channel: ChannelName;
    userId: string;
    reason: EscalationReason;
    summary: string;
    now: Date;
  }): { ticket: Ticket; created: boolean };
  get(id: number): Ticket | undefined;
  openFor(channel: ChannelName, userId: string): Ticket | undefined;
  /** Atomic: true only for the first officer while the ticket waits. */
  claim(id: number, officer: string, name: string, now: Date): boolean;
  addMessage(
    ticketId: number,
    author: Author,
    officer: string | null,
    text: string,
    now: Date,
  ): void;
  /** The closed ticket, or undefined when it was not open. */
  close(id: number, by: string, now: Date): Ticket | undefined;
  /** Rating 1–5 of a closed ticket of this conversation; false when not allowed. */
  rate(id: number, channel: ChannelName, userId: string, rating: number): boolean;
  list(statuses: readonly TicketStatus[], limit?: number): Ticket[];
  transcript(ticketId: number): TranscriptLine[];
  setStaffPost(ticketId: number, chatId: number, messageId: number, threadId: number | null): void;
  /** Remembers a bot message in the staff group as belonging to the ticket (replies to it). */
  addStaffPost(chatId: number, messageId: number, ticketId: number): void;
  ticketForPost(chatId: number, messageId: number): Ticket | undefined;
  ticketForThread(chatId: number, threadId: number): Ticket | undefined;
  /** Records an answer; a miss adds one to the streak, a hit resets it; returns the streak. */
  noteAnswer(
    channel: ChannelName,
    userId: string,
    entry: RecentAnswer | null,
    outcome: "miss" | "hit" | "neutral",
    now: Date,
  ): number;
  recent(channel: ChannelName, userId: string): RecentAnswer[];
  resetMisses(channel: ChannelName, userId: string, now: Date): void;
}

interface TicketRow {
  id: number;
  channel: string;
  user_id: string;
  status: string;
  reason: string;
  summary: string;
  assignee: string | null;
  assignee_name: string | null;
  created_at: string;
  assigned_at: string | null;
  first_response_at: string | null;
  closed_at: string | null;
  closed_by: string | null;
  rating: number | null;
  staff_chat_id: number | null;
  staff_message_id: number | null;
  staff_thread_id: number | null;
}

const toTicket = (r: TicketRow): Ticket => ({
  id: r.id,
  channel: r.channel as ChannelName,
  userId: r.user_id,
  status: r.status as TicketStatus,
  reason: r.reason as EscalationReason,
  summary: r.summary,
  assignee: r.assignee,
  assigneeName: r.assignee_name,
  createdAt: r.created_at,
  assignedAt: r.assigned_at,
  firstResponseAt: r.first_response_at,
  closedAt: r.closed_at,
  closedBy: r.closed_by,
  rating: r.rating,
  staffChatId: r.staff_chat_id,
  staffMessageId: r.staff_message_id,
  staffThreadId: r.staff_thread_id,
});

const RECENT_KEPT = 3;

export function createHandoffStore(db: Database): HandoffStore {
  const byId = db.prepare<[number], TicketRow>(`SELECT * FROM handoff_tickets WHERE id = ?`);
  const openOf = db.prepare<[string, string], TicketRow>(
    `SELECT * FROM handoff_tickets WHERE channel = ? AND user_id = ? AND status <> 'closed'`,
  );
  const insert = db.prepare<[string, string, string, string, string]>(
    `INSERT INTO handoff_tickets (channel, user_id, status, reason, summary, created_at)
     VALUES (?, ?, 'waiting', ?, ?, ?)`,
  );
  const claimStmt = db.prepare<[string, string, string, number]>(
    `UPDATE handoff_tickets SET status = 'assigned', assignee = ?, assignee_name = ?,
       assigned_at = ? WHERE id = ? AND status = 'waiting'`,
  );
  const insertMessage = db.prepare<[number, string, string | null, string, string]>(
    `INSERT INTO handoff_messages (ticket_id, author, officer, text, at) VALUES (?, ?, ?, ?, ?)`,
  );
  const firstResponse = db.prepare<[string, number]>(
    `UPDATE handoff_tickets SET first_response_at = ? WHERE id = ? AND first_response_at IS NULL`,
  );
  const closeStmt = db.prepare<[string, string, number]>(
    `UPDATE handoff_tickets SET status = 'closed', closed_at = ?, closed_by = ?
     WHERE id = ? AND status <> 'closed'`,
  );
  const rateStmt = db.prepare<[number, number, string, string]>(
    `UPDATE handoff_tickets SET rating = ? WHERE id = ? AND channel = ? AND user_id = ?
       AND status = 'closed' AND rating IS NULL`,
  );
  const transcriptStmt = db.prepare<[number], TranscriptLine>(
    `SELECT id, author, officer, text, at FROM handoff_messages WHERE ticket_id = ? ORDER BY id`,
  );
  const setPost = db.prepare<[number, number, number | null, number]>(
    `UPDATE handoff_tickets SET staff_chat_id = ?, staff_message_id = ?, staff_thread_id = ?
     WHERE id = ?`,
  );
  const addPost = db.prepare<[number, number, number]>(
    `INSERT OR IGNORE INTO handoff_staff_posts (chat_id, message_id, ticket_id) VALUES (?, ?, ?)`,
  );
  const postTicket = db.prepare<[number, number], TicketRow>(
    `SELECT t.* FROM handoff_staff_posts p JOIN handoff_tickets t ON t.id = p.ticket_id
     WHERE p.chat_id = ? AND p.message_id = ?`,
  );
  const threadTicket = db.prepare<[number, number], TicketRow>(
    `SELECT * FROM handoff_tickets WHERE staff_chat_id = ? AND staff_thread_id = ?
     ORDER BY id DESC LIMIT 1`,
  );
  const contextOf = db.prepare<[string, string], { misses: number; recent: string }>(
    `SELECT misses, recent FROM handoff_context WHERE channel = ? AND user_id = ?`,
  );
  const upsertContext = db.prepare<[string, string, number, string, string]>(
    `INSERT INTO handoff_context (channel, user_id, misses, recent, updated_at)
     VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, user_id) DO UPDATE SET
     misses = excluded.misses, recent = excluded.recent, updated_at = excluded.updated_at`,
  );

  const get = (id: number) => {
    const row = byId.get(id);
    return row ? toTicket(row) : undefined;
  };
  const readRecent = (channel: string, userId: string) => {
    const row = contextOf.get(channel, userId);
    let recent: RecentAnswer[] = [];
    try {
      recent = row ? (JSON.parse(row.recent) as RecentAnswer[]) : [];
    } catch {
      recent = [];
    }
    return { misses: row?.misses ?? 0, recent: Array.isArray(recent) ? recent : [] };
  };

  return {
    open: db.transaction((input: Parameters<HandoffStore["open"]>[0]) => {
      const existing = openOf.get(input.channel, input.userId);
      if (existing) return { ticket: toTicket(existing), created: false };
      const info = insert.run(
        input.channel,
        input.userId,
        input.reason,
        input.summary,
        input.now.toISOString(),
      );
      return { ticket: get(Number(info.lastInsertRowid))!, created: true };
    }),
    get,
    openFor(channel, userId) {
      const row = openOf.get(channel, userId);
      return row ? toTicket(row) : undefined;
    },
    claim: (id, officer, name, now) =>
      claimStmt.run(officer, name, now.toISOString(), id).changes === 1,
    addMessage: db.transaction(
      (ticketId: number, author: Author, officer: string | null, text: string, now: Date) => {
        insertMessage.run(ticketId, author, officer, text, now.toISOString());
        if (author === "staff") firstResponse.run(now.toISOString(), ticketId);
      },
    ),
    close(id, by, now) {
      return closeStmt.run(now.toISOString(), by, id).changes === 1 ? get(id) : undefined;
    },
    rate: (id, channel, userId, rating) => rateStmt.run(rating, id, channel, userId).changes === 1,
    list(statuses, limit = 200) {
      if (statuses.length === 0) return [];
      const marks = statuses.map(() => "?").join(", ");
      return db
        .prepare<unknown[], TicketRow>(
          `SELECT * FROM handoff_tickets WHERE status IN (${marks}) ORDER BY id LIMIT ?`,
        )
        .all(...statuses, limit)
        .map(toTicket);
    },
    transcript: (ticketId) => transcriptStmt.all(ticketId),
    setStaffPost(ticketId, chatId, messageId, threadId) {
      setPost.run(chatId, messageId, threadId, ticketId);
      addPost.run(chatId, messageId, ticketId);
    },
    addStaffPost(chatId, messageId, ticketId) {
      addPost.run(chatId, messageId, ticketId);
    },
    ticketForPost(chatId, messageId) {
      const row = postTicket.get(chatId, messageId);
      return row ? toTicket(row) : undefined;
    },
    ticketForThread(chatId, threadId) {
      const row = threadTicket.get(chatId, threadId);
      return row ? toTicket(row) : undefined;
    },
    noteAnswer: db.transaction(
      (
        channel: ChannelName,
        userId: string,
        entry: RecentAnswer | null,
        outcome: "miss" | "hit" | "neutral",
        now: Date,
      ) => {
        const { misses, recent } = readRecent(channel, userId);
        const next = outcome === "miss" ? misses + 1 : outcome === "hit" ? 0 : misses;
        const kept = entry ? [entry, ...recent].slice(0, RECENT_KEPT) : recent;
        upsertContext.run(channel, userId, next, JSON.stringify(kept), now.toISOString());
        return next;
      },
    ),
    recent: (channel, userId) => readRecent(channel, userId).recent,
    resetMisses(channel, userId, now) {
      const { recent } = readRecent(channel, userId);
      upsertContext.run(channel, userId, 0, JSON.stringify(recent), now.toISOString());
    },
  };
}
