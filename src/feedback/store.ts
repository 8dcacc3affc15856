/** Rows of the PAKN tables and the statements over them, shared by the queue's operations. */
import type { Database } from "../db/index.ts";
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

export type FeedbackStatements = ReturnType<typeof prepareStatements>;

export function prepareStatements(db: Database) {
  return {
    nextSequence: db.prepare<[number], { last: number }>(
      `INSERT INTO feedback_sequences (year, last) VALUES (?, 1)
       ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last`,
    ),
    insertCase: db.prepare(
      `INSERT INTO feedback_cases (ref, token_hash, kind, channel, user_id, text, text_masked, contact,
         procedure_code, agency, routed_by, status, received_at, due_at, next_progress_at, updated_at)
       VALUES (@ref, @token_hash, @kind, @channel, @user_id, @text, @text_masked, @contact,
         @procedure_code, @agency, @routed_by, 'received', @received_at, @due_at, @next_progress_at,
         @received_at)`,
    ),
    byRef: db.prepare<[string], CaseRow>(`SELECT * FROM feedback_cases WHERE ref = ?`),
    history: db.prepare<[number], HistoryRow>(
      `SELECT * FROM feedback_history WHERE case_id = ? ORDER BY id`,
    ),
    insertHistory: db.prepare<
      [number, string, string, string, string | null, string, string | null]
    >(
      `INSERT INTO feedback_history (case_id, at, actor, action, from_status, to_status, note)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
}

export function addHistory(s: FeedbackStatements, e: HistoryEntry): void {
  s.insertHistory.run(e.caseId, e.at, e.actor, e.action, e.from, e.to, e.note);
}
