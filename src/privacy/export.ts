/**
 * One citizen's data, from the reference of a case they filed (`data export --case REF`): the case
 * as stored (nothing masked: it is for the citizen), its history, its notifications, and what the
 * same chat user left elsewhere (ratings, answers, conversation state, hand-over tickets and their
 * messages). Staff names are not the citizen's data: history and tickets say "staff", not who.
 * A case past retention shows the anonymisation marker where its text was. Read on SQLite or
 * PostgreSQL (src/db/sql.ts).
 */
import type { SqlExecutor } from "../db/index.ts";
import { isRef } from "../feedback/index.ts";
import { InvalidCaseRefError, UnknownCaseRefError } from "./errors.ts";
import { ANONYMISED_USER } from "./kinds.ts";

export const EXPORT_LEGAL_BASIS =
  "Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân, Điều 9 (quyền truy cập, quyền cung cấp dữ liệu)";

type Json = unknown;

export interface CaseExport {
  exportedAt: string;
  legalBasis: string;
  /** The case was past retention: its personal fields hold the marker or null. */
  anonymised: boolean;
  case: {
    ref: string;
    kind: string;
    channel: string;
    userId: string;
    text: string;
    contact: string | null;
    procedureCode: string | null;
    agency: string | null;
    status: string;
    rejectReason: string | null;
    receivedAt: string;
    dueAt: string;
    handledAt: string | null;
    resultDate: string | null;
    updatedAt: string;
  };
  history: {
    at: string;
    by: "citizen" | "staff" | "system";
    action: string;
    from: string | null;
    to: string;
    note: string | null;
  }[];
  notifications: {
    createdAt: string;
    kind: string;
    sentAt: string | null;
    failedAt: string | null;
    payload: Json;
  }[];
  /** The web chat's copies of those notifications (kept 30 days). */
  inbox: { createdAt: string; deliveredAt: string | null; message: Json }[];
  /** Everything else of the same channel user, or null (see `sameUserNote`). */
  sameUser: SameUserData | null;
  sameUserNote: string | null;
}

export interface SameUserData {
  otherCases: string[];
  ratings: {
    ratedAt: string;
    answerId: string;
    rating: "up" | "down";
    comment: string | null;
    question: string | null;
    procedureCode: string | null;
  }[];
  answers: { answeredAt: string; procedureCode: string; aspect: string; question: string | null }[];
  conversation: { updatedAt: string; state: Json } | null;
  recentAnswers: { updatedAt: string; recent: Json } | null;
  tickets: {
    createdAt: string;
    status: string;
    reason: string;
    summary: string;
    closedAt: string | null;
    rating: number | null;
    messages: { at: string; author: string; text: string }[];
  }[];
  undelivered: { createdAt: string; reason: string; text: string }[];
}

interface CaseRow {
  id: number;
  ref: string;
  kind: string;
  channel: string;
  user_id: string;
  text: string;
  contact: string | null;
  procedure_code: string | null;
  agency: string | null;
  status: string;
  reject_reason: string | null;
  received_at: string;
  due_at: string;
  handled_at: string | null;
  result_date: string | null;
  updated_at: string;
}

const parsed = (text: string): Json => {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
};

const by = (actor: string): "citizen" | "staff" | "system" =>
  actor === "citizen" ? "citizen" : actor === "system" ? "system" : "staff";

/** Why the case's user id does not lead to the citizen's other data, or null when it does. */
function unlinkable(userId: string): string | null {
  if (userId.startsWith(ANONYMISED_USER)) return "anonymised: past retention";
  if (userId.startsWith("api-")) {
    return "filed through the API by another system: its user id is the caller's, not the citizen's";
  }
  return null;
}

export async function exportCase(db: SqlExecutor, ref: string, now: Date): Promise<CaseExport> {
  const wanted = ref.trim().toUpperCase();
  if (!isRef(wanted)) throw new InvalidCaseRefError(ref);
  const found = await db.get<CaseRow>(
    `SELECT id, ref, kind, channel, user_id, text, contact, procedure_code, agency, status,
       reject_reason, received_at, due_at, handled_at, result_date, updated_at
     FROM feedback_cases WHERE ref = ?`,
    [wanted],
  );
  if (!found) throw new UnknownCaseRefError(wanted);
  const row = { ...found, id: Number(found.id) };

  const history = await db.all<{
    at: string;
    actor: string;
    action: string;
    from_status: string | null;
    to_status: string;
    note: string | null;
  }>(
    `SELECT at, actor, action, from_status, to_status, note FROM feedback_history
     WHERE case_id = ? ORDER BY id`,
    [row.id],
  );
  const outbox = await db.all<{
    idempotency_key: string;
    created_at: string;
    kind: string;
    sent_at: string | null;
    failed_at: string | null;
    payload: string;
  }>(
    `SELECT idempotency_key, created_at, kind, sent_at, failed_at, payload FROM feedback_outbox
     WHERE case_id = ? ORDER BY id`,
    [row.id],
  );
  const inbox = [];
  for (const o of outbox) {
    const copies = await db.all<{
      created_at: string;
      delivered_at: string | null;
      message: string;
    }>(
      `SELECT created_at, delivered_at, message FROM dialogue_inbox WHERE idempotency_key = ?
       ORDER BY id`,
      [o.idempotency_key],
    );
    for (const m of copies) {
      inbox.push({
        createdAt: m.created_at,
        deliveredAt: m.delivered_at,
        message: parsed(m.message),
      });
    }
  }
  const note = unlinkable(row.user_id);
  return {
    exportedAt: now.toISOString(),
    legalBasis: EXPORT_LEGAL_BASIS,
    anonymised: row.user_id.startsWith(ANONYMISED_USER),
    case: {
      ref: row.ref,
      kind: row.kind,
      channel: row.channel,
      userId: row.user_id,
      text: row.text,
      contact: row.contact,
      procedureCode: row.procedure_code,
      agency: row.agency,
      status: row.status,
      rejectReason: row.reject_reason,
      receivedAt: row.received_at,
      dueAt: row.due_at,
      handledAt: row.handled_at,
      resultDate: row.result_date,
      updatedAt: row.updated_at,
    },
    history: history.map((h) => ({
      at: h.at,
      by: by(h.actor),
      action: h.action,
      from: h.from_status,
      to: h.to_status,
      note: h.note,
    })),
    notifications: outbox.map((o) => ({
      createdAt: o.created_at,
      kind: o.kind,
      sentAt: o.sent_at,
      failedAt: o.failed_at,
      payload: parsed(o.payload),
    })),
    inbox,
    sameUser: note === null ? await sameUser(db, row) : null,
    sameUserNote: note,
  };
}

async function sameUser(db: SqlExecutor, c: CaseRow): Promise<SameUserData> {
  const key = [c.channel, c.user_id];
  const all = <T extends object>(sql: string) => db.all<T>(sql, key);
  const state = await db.get<{ state: string; updated_at: string }>(
    `SELECT state, updated_at FROM dialogue_state WHERE channel = ? AND user_id = ?`,
    key,
  );
  const context = await db.get<{ recent: string; updated_at: string }>(
    `SELECT recent, updated_at FROM handoff_context WHERE channel = ? AND user_id = ?`,
    key,
  );
  const cases = await all<{ ref: string }>(
    `SELECT ref FROM feedback_cases WHERE channel = ? AND user_id = ? ORDER BY id`,
  );
  const ratings = await all<{
    rated_at: string;
    answer_id: string;
    rating: number;
    comment: string | null;
    comment_masked: string | null;
    question_masked: string | null;
    procedure_code: string | null;
  }>(
    `SELECT rated_at, answer_id, rating, comment, comment_masked, question_masked, procedure_code
     FROM answer_ratings WHERE channel = ? AND user_id = ? ORDER BY id`,
  );
  const answers = await all<{
    answered_at: string;
    procedure_code: string;
    aspect: string;
    question_masked: string | null;
  }>(
    `SELECT answered_at, procedure_code, aspect, question_masked FROM dialogue_answers
     WHERE channel = ? AND user_id = ? ORDER BY id`,
  );
  const tickets = await all<{
    id: number;
    created_at: string;
    status: string;
    reason: string;
    summary: string;
    closed_at: string | null;
    rating: number | null;
  }>(
    `SELECT id, created_at, status, reason, summary, closed_at, rating FROM handoff_tickets
     WHERE channel = ? AND user_id = ? ORDER BY id`,
  );
  const undelivered = await all<{ created_at: string; reason: string; text: string }>(
    `SELECT created_at, reason, text FROM channel_undelivered WHERE channel = ? AND user_id = ?
     ORDER BY id`,
  );
  const ticketData = [];
  for (const t of tickets) {
    const messages = await db.all<{ at: string; author: string; text: string }>(
      `SELECT at, author, text FROM handoff_messages WHERE ticket_id = ? ORDER BY id`,
      [Number(t.id)],
    );
    ticketData.push({
      createdAt: t.created_at,
      status: t.status,
      reason: t.reason,
      summary: t.summary,
      closedAt: t.closed_at,
      rating: t.rating,
      messages,
    });
  }
  return {
    otherCases: cases.map((r) => r.ref).filter((r) => r !== c.ref),
    ratings: ratings.map((r) => ({
      ratedAt: r.rated_at,
      answerId: r.answer_id,
      rating: r.rating === 1 ? "up" : "down",
      // Only the masked comment is stored (migration 13); the raw one if an old row kept it.
      comment: r.comment ?? r.comment_masked,
      question: r.question_masked,
      procedureCode: r.procedure_code,
    })),
    answers: answers.map((a) => ({
      answeredAt: a.answered_at,
      procedureCode: a.procedure_code,
      aspect: a.aspect,
      question: a.question_masked,
    })),
    conversation: state ? { updatedAt: state.updated_at, state: parsed(state.state) } : null,
    recentAnswers: context
      ? { updatedAt: context.updated_at, recent: parsed(context.recent) }
      : null,
    tickets: ticketData,
    undelivered: undelivered.map((u) => ({
      createdAt: u.created_at,
      reason: u.reason,
      text: u.text,
    })),
  };
}
