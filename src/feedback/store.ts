/** Rows of the PAKN tables and the SQL over them (src/feedback/sql-store.ts runs it). */
import type { SqlValue } from "../db/index.ts";
import type { FeedbackKind } from "./input.ts";
import type { RoutedBy } from "./routing.ts";
import type { Status } from "./status.ts";

export interface CaseRow {
  id: number;
  ref: string;
  token_hash: string;
  kind: FeedbackKind;
  channel: string;
  user_id: string;
  text: string;
  text_masked: string;
  contact: string | null;
  procedure_code: string | null;
  agency: string | null;
  routed_by: RoutedBy | null;
  status: Status;
  reject_reason: string | null;
  received_at: string;
  due_at: string;
  next_progress_at: string | null;
  handled_at: string | null;
  result_date: string | null;
  result_record_due_at: string | null;
  updated_at: string;
  version: number;
  /** sha256 of channel and Idempotency-Key (src/feedback/idempotency.ts); null without one. */
  idempotency_key_hash: string | null;
  /** sha256 of the validated request filed with that key. */
  idempotency_request_hash: string | null;
}

export interface HistoryRow {
  id: number;
  case_id: number;
  at: string;
  actor: string;
  action: "filed" | "status" | "assign" | "progress";
  from_status: Status | null;
  to_status: Status;
  note: string | null;
}

export interface HistoryEntry {
  caseId: number;
  at: string;
  actor: string;
  action: HistoryRow["action"];
  from: Status | null;
  to: Status;
  note: string | null;
}

/**
 * The SQL of the PAKN tables, written once for both engines: `?` placeholders, ISO text times,
 * `ON CONFLICT … DO UPDATE` and `RETURNING`, which SQLite and PostgreSQL both speak.
 */
export const CASE_SQL = {
  /**
   * The year's next number. On PostgreSQL the counter row stays locked until the filing
   * transaction ends, so two instances filing at once take turns: no number twice, none skipped
   * (a rolled back filing gives its number back). SQLite: BEGIN IMMEDIATE does the same.
   */
  nextSequence: `INSERT INTO feedback_sequences (year, last) VALUES (?, 1)
     ON CONFLICT (year) DO UPDATE SET last = feedback_sequences.last + 1 RETURNING last`,
  /**
   * No row back when another filing took the Idempotency-Key first (never for NULL keys, which
   * do not collide): the caller rolls back, giving the year's number back, and replays that one.
   */
  insertCase: `INSERT INTO feedback_cases (ref, token_hash, kind, channel, user_id, text, text_masked,
       contact, procedure_code, agency, routed_by, status, received_at, due_at, next_progress_at,
       updated_at, idempotency_key_hash, idempotency_request_hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?)
     ON CONFLICT (idempotency_key_hash) DO NOTHING RETURNING id`,
  byRef: `SELECT * FROM feedback_cases WHERE ref = ?`,
  byIdempotencyKey: `SELECT * FROM feedback_cases WHERE idempotency_key_hash = ?`,
  /** A replayed filing's new token: the one its lost answer carried stops working. */
  replaceToken: `UPDATE feedback_cases SET token_hash = ? WHERE id = ?`,
  /** A key past its window is free again: the case filed with it keeps nothing of it. */
  releaseIdempotencyKey: `UPDATE feedback_cases
     SET idempotency_key_hash = NULL, idempotency_request_hash = NULL WHERE id = ?`,
  history: `SELECT * FROM feedback_history WHERE case_id = ? ORDER BY id`,
  insertHistory: `INSERT INTO feedback_history (case_id, at, actor, action, from_status, to_status,
       note)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  /** A versioned write: no change when someone else wrote the case since it was read. */
  updateCase: `UPDATE feedback_cases SET status = ?, agency = ?, routed_by = ?, reject_reason = ?,
       next_progress_at = ?, handled_at = ?, result_date = ?, result_record_due_at = ?,
       updated_at = ?, version = version + 1
     WHERE id = ? AND version = ?`,
} as const;

/** What filing inserts: the case's own columns (the rest have defaults), due for a 7-day notice. */
export type NewCaseRow = Pick<
  CaseRow,
  | "ref"
  | "token_hash"
  | "kind"
  | "channel"
  | "user_id"
  | "text"
  | "text_masked"
  | "contact"
  | "procedure_code"
  | "agency"
  | "routed_by"
  | "received_at"
  | "due_at"
  | "idempotency_key_hash"
  | "idempotency_request_hash"
> & { next_progress_at: string };

export const insertCaseParams = (c: NewCaseRow): SqlValue[] => [
  c.ref,
  c.token_hash,
  c.kind,
  c.channel,
  c.user_id,
  c.text,
  c.text_masked,
  c.contact,
  c.procedure_code,
  c.agency,
  c.routed_by,
  c.received_at,
  c.due_at,
  c.next_progress_at,
  c.received_at,
  c.idempotency_key_hash,
  c.idempotency_request_hash,
];

export const historyParams = (e: HistoryEntry): SqlValue[] => [
  e.caseId,
  e.at,
  e.actor,
  e.action,
  e.from,
  e.to,
  e.note,
];

/** `next` written over the case read at `version`. */
export const updateCaseParams = (next: CaseRow, updatedAt: string, version: number): SqlValue[] => [
  next.status,
  next.agency,
  next.routed_by,
  next.reject_reason,
  next.next_progress_at,
  next.handled_at,
  next.result_date,
  next.result_record_due_at,
  updatedAt,
  next.id,
  version,
];
