/**
 * Hand-off tickets on SQLite or PostgreSQL (src/db/migrations.ts migration 5,
 * src/db/pg-migrations/handoff.ts), the same SQL on both: one open ticket
 * per conversation (channel, user id), its transcript, the staff-group posts that belong to it, and
 * a little per-conversation context (recent answers, misses in a row) for escalation summaries.
 */
import type { ChannelName } from "../channels/index.ts";
import type { SqlDatabase, SqlExecutor, SqlValue } from "../db/index.ts";

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
  /**
   * Opens a ticket, or returns the conversation's open one (never two open per conversation, also
   * when two instances open one at the same moment).
   */
  open(input: {
    channel: ChannelName;
    userId: string;
    reason: EscalationReason;
    summary: string;
    now: Date;
  }): Promise<{ ticket: Ticket; created: boolean }>;
  get(id: number): Promise<Ticket | undefined>;
  openFor(channel: ChannelName, userId: string): Promise<Ticket | undefined>;
  /**
   * Atomic, across instances: the claimed ticket only for the first officer while it waits
   * (a conditional UPDATE: exactly one of two concurrent claims changes the row).
   */
  claim(id: number, officer: string, name: string, now: Date): Promise<Ticket | undefined>;
  addMessage(
    ticketId: number,
    author: Author,
    officer: string | null,
    text: string,
    now: Date,
  ): Promise<void>;
  /** The closed ticket, or undefined when it was not open. */
  close(id: number, by: string, now: Date): Promise<Ticket | undefined>;
  /** Rating 1–5 of a closed ticket of this conversation; false when not allowed. */
  rate(id: number, channel: ChannelName, userId: string, rating: number): Promise<boolean>;
  list(statuses: readonly TicketStatus[], limit?: number): Promise<Ticket[]>;
  /** In the order the lines were written. */
  transcript(ticketId: number): Promise<TranscriptLine[]>;
  setStaffPost(
    ticketId: number,
    chatId: number,
    messageId: number,
    threadId: number | null,
  ): Promise<void>;
  /** Remembers a bot message in the staff group as belonging to the ticket (replies to it). */
  addStaffPost(chatId: number, messageId: number, ticketId: number): Promise<void>;
  ticketForPost(chatId: number, messageId: number): Promise<Ticket | undefined>;
  ticketForThread(chatId: number, threadId: number): Promise<Ticket | undefined>;
  /** Records an answer; a miss adds one to the streak, a hit resets it; returns the streak. */
  noteAnswer(
    channel: ChannelName,
    userId: string,
    entry: RecentAnswer | null,
    outcome: "miss" | "hit" | "neutral",
    now: Date,
  ): Promise<number>;
  recent(channel: ChannelName, userId: string): Promise<RecentAnswer[]>;
  resetMisses(channel: ChannelName, userId: string, now: Date): Promise<void>;
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

/** The store's SQL, the same text on SQLite and PostgreSQL. */
const SQL = {
  byId: `SELECT * FROM handoff_tickets WHERE id = ?`,
  openOf: `SELECT * FROM handoff_tickets WHERE channel = ? AND user_id = ? AND status <> 'closed'`,
  // The partial unique index keeps one open ticket per conversation: a second instance opening
  // one at the same moment inserts nothing and reads the first one's.
  insert: `INSERT INTO handoff_tickets (channel, user_id, status, reason, summary, created_at)
    VALUES (?, ?, 'waiting', ?, ?, ?)
    ON CONFLICT (channel, user_id) WHERE status <> 'closed' DO NOTHING RETURNING *`,
  claim: `UPDATE handoff_tickets SET status = 'assigned', assignee = ?, assignee_name = ?,
    assigned_at = ? WHERE id = ? AND status = 'waiting' AND assignee IS NULL RETURNING *`,
  insertMessage: `INSERT INTO handoff_messages (ticket_id, author, officer, text, at)
    VALUES (?, ?, ?, ?, ?)`,
  firstResponse: `UPDATE handoff_tickets SET first_response_at = ?
    WHERE id = ? AND first_response_at IS NULL`,
  close: `UPDATE handoff_tickets SET status = 'closed', closed_at = ?, closed_by = ?
    WHERE id = ? AND status <> 'closed' RETURNING *`,
  rate: `UPDATE handoff_tickets SET rating = ? WHERE id = ? AND channel = ? AND user_id = ?
    AND status = 'closed' AND rating IS NULL`,
  list: (marks: string) =>
    `SELECT * FROM handoff_tickets WHERE status IN (${marks}) ORDER BY id LIMIT ?`,
  transcript: `SELECT id, author, officer, text, at FROM handoff_messages WHERE ticket_id = ?
    ORDER BY id`,
  setPost: `UPDATE handoff_tickets SET staff_chat_id = ?, staff_message_id = ?,
    staff_thread_id = ? WHERE id = ?`,
  addPost: `INSERT INTO handoff_staff_posts (chat_id, message_id, ticket_id) VALUES (?, ?, ?)
    ON CONFLICT (chat_id, message_id) DO NOTHING`,
  postTicket: `SELECT t.* FROM handoff_staff_posts p JOIN handoff_tickets t ON t.id = p.ticket_id
    WHERE p.chat_id = ? AND p.message_id = ?`,
  threadTicket: `SELECT * FROM handoff_tickets WHERE staff_chat_id = ? AND staff_thread_id = ?
    ORDER BY id DESC LIMIT 1`,
  context: `SELECT misses, recent FROM handoff_context WHERE channel = ? AND user_id = ?`,
  upsertContext: `INSERT INTO handoff_context (channel, user_id, misses, recent, updated_at)
    VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, user_id) DO UPDATE SET
    misses = excluded.misses, recent = excluded.recent, updated_at = excluded.updated_at`,
  // The streak moves in one statement, so that two instances noting answers at once add both.
  bumpContext: `INSERT INTO handoff_context (channel, user_id, misses, recent, updated_at)
    VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, user_id) DO UPDATE SET
    misses = CASE WHEN ? = 'miss' THEN handoff_context.misses + 1
                  WHEN ? = 'hit' THEN 0 ELSE handoff_context.misses END,
    recent = excluded.recent, updated_at = excluded.updated_at
    RETURNING misses`,
} as const;

const ticketOf = (row: TicketRow | undefined) => (row ? toTicket(row) : undefined);

function parseRecent(text: string | undefined): RecentAnswer[] {
  if (text === undefined) return [];
  try {
    const recent = JSON.parse(text) as unknown;
    return Array.isArray(recent) ? (recent as RecentAnswer[]) : [];
  } catch {
    return [];
  }
}

export function createHandoffStore(sql: SqlDatabase): HandoffStore {
  // A write that returns rows runs in a transaction: on SQLite it then waits for the write lock
  // like any write (a bare statement's get() would not), on PostgreSQL it costs a BEGIN/COMMIT.
  const writeReturning = async (text: string, params: readonly SqlValue[]) =>
    ticketOf(await sql.transaction((tx) => tx.get<TicketRow>(text, params)));
  const get = async (id: number) => ticketOf(await sql.get<TicketRow>(SQL.byId, [id]));
  const openFor = async (channel: string, userId: string) =>
    ticketOf(await sql.get<TicketRow>(SQL.openOf, [channel, userId]));
  const readContext = async (ex: SqlExecutor, channel: string, userId: string) => {
    const row = await ex.get<{ misses: number; recent: string }>(SQL.context, [channel, userId]);
    return { misses: row?.misses ?? 0, recent: parseRecent(row?.recent) };
  };

  return {
    async open(input) {
      // The open one, or inserted; a conversation's open ticket closed between the statements
      // lets the next round insert. (Looked up first: an insert that conflicts uses up an id.)
      for (;;) {
        const open = await openFor(input.channel, input.userId);
        if (open) return { ticket: open, created: false };
        const inserted = await writeReturning(SQL.insert, [
          input.channel,
          input.userId,
          input.reason,
          input.summary,
          input.now.toISOString(),
        ]);
        if (inserted) return { ticket: inserted, created: true };
        const existing = await openFor(input.channel, input.userId);
        if (existing) return { ticket: existing, created: false };
      }
    },
    get,
    openFor,
    claim: (id, officer, name, now) =>
      writeReturning(SQL.claim, [officer, name, now.toISOString(), id]),
    addMessage: (ticketId, author, officer, text, now) =>
      sql.transaction(async (tx) => {
        await tx.run(SQL.insertMessage, [ticketId, author, officer, text, now.toISOString()]);
        if (author === "staff") await tx.run(SQL.firstResponse, [now.toISOString(), ticketId]);
      }),
    close: (id, by, now) => writeReturning(SQL.close, [now.toISOString(), by, id]),
    rate: async (id, channel, userId, rating) =>
      (await sql.run(SQL.rate, [rating, id, channel, userId])).changes === 1,
    async list(statuses, limit = 200) {
      if (statuses.length === 0) return [];
      const marks = statuses.map(() => "?").join(", ");
      const rows = await sql.all<TicketRow>(SQL.list(marks), [...statuses, limit]);
      return rows.map(toTicket);
    },
    transcript: (ticketId) => sql.all<TranscriptLine>(SQL.transcript, [ticketId]),
    async setStaffPost(ticketId, chatId, messageId, threadId) {
      await sql.transaction(async (tx) => {
        await tx.run(SQL.setPost, [chatId, messageId, threadId, ticketId]);
        await tx.run(SQL.addPost, [chatId, messageId, ticketId]);
      });
    },
    async addStaffPost(chatId, messageId, ticketId) {
      await sql.run(SQL.addPost, [chatId, messageId, ticketId]);
    },
    ticketForPost: async (chatId, messageId) =>
      ticketOf(await sql.get<TicketRow>(SQL.postTicket, [chatId, messageId])),
    ticketForThread: async (chatId, threadId) =>
      ticketOf(await sql.get<TicketRow>(SQL.threadTicket, [chatId, threadId])),
    noteAnswer: (channel, userId, entry, outcome, now) =>
      sql.transaction(async (tx) => {
        const { recent } = await readContext(tx, channel, userId);
        const kept = entry ? [entry, ...recent].slice(0, RECENT_KEPT) : recent;
        const row = await tx.get<{ misses: number }>(SQL.bumpContext, [
          channel,
          userId,
          outcome === "miss" ? 1 : 0,
          JSON.stringify(kept),
          now.toISOString(),
          outcome,
          outcome,
        ]);
        return row!.misses;
      }),
    recent: async (channel, userId) => (await readContext(sql, channel, userId)).recent,
    async resetMisses(channel, userId, now) {
      await sql.transaction(async (tx) => {
        const { recent } = await readContext(tx, channel, userId);
        await tx.run(SQL.upsertContext, [
          channel,
          userId,
          0,
          JSON.stringify(recent),
          now.toISOString(),
        ]);
      });
    },
  };
}
