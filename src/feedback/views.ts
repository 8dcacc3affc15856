/** What citizens and staff see of a case. Citizens never see staff names, tokens or contacts. */
import { localDate } from "../calendar/index.ts";
import type { FeedbackKind } from "./input.ts";
import type { RoutedBy } from "./routing.ts";
import { isOpen, type Status } from "./status.ts";
import type { CaseRow, HistoryRow } from "./store.ts";

export interface CitizenHistoryEntry {
  at: string;
  action: HistoryRow["action"];
  from: Status | null;
  to: Status;
  /** "citizen", "staff" or "system": not who. */
  by: "citizen" | "staff" | "system";
  note: string | null;
}

export interface CitizenCaseView {
  ref: string;
  kind: FeedbackKind;
  status: Status;
  text: string;
  procedureCode: string | null;
  agency: string | null;
  receivedAt: string;
  dueDate: string;
  dueAt: string;
  overdue: boolean;
  rejectReason: string | null;
  history: CitizenHistoryEntry[];
}

export interface StaffHistoryEntry extends Omit<CitizenHistoryEntry, "by"> {
  actor: string;
}

export interface StaffCaseSummary {
  ref: string;
  kind: FeedbackKind;
  status: Status;
  channel: string;
  agency: string | null;
  routedBy: RoutedBy | null;
  procedureCode: string | null;
  /** Masked, first 200 characters. */
  preview: string;
  receivedAt: string;
  dueAt: string;
  overdue: boolean;
  /** A 7-day progress update is owed now. */
  progressDue: boolean;
  nextProgressAt: string | null;
  updatedAt: string;
  version: number;
}

export interface StaffCaseView extends StaffCaseSummary {
  text: string;
  contact: string | null;
  userId: string;
  rejectReason: string | null;
  handledAt: string | null;
  resultDate: string | null;
  resultRecordDueAt: string | null;
  /** The result was recorded after the time the rules allow. */
  resultRecordedLate: boolean;
  history: StaffHistoryEntry[];
}

const byOf = (actor: string): CitizenHistoryEntry["by"] =>
  actor === "citizen" ? "citizen" : actor === "system" ? "system" : "staff";

export function isOverdue(row: Pick<CaseRow, "status" | "due_at">, now: Date): boolean {
  return isOpen(row.status) && row.due_at < now.toISOString();
}

export function citizenView(row: CaseRow, history: HistoryRow[], now: Date): CitizenCaseView {
  return {
    ref: row.ref,
    kind: row.kind,
    status: row.status,
    text: row.text,
    procedureCode: row.procedure_code,
    agency: row.agency,
    receivedAt: row.received_at,
    dueDate: localDate(new Date(row.due_at)),
    dueAt: row.due_at,
    overdue: isOverdue(row, now),
    rejectReason: row.reject_reason,
    history: history.map((h) => ({
      at: h.at,
      action: h.action,
      from: h.from_status,
      to: h.to_status,
      by: byOf(h.actor),
      // A reassignment's note is staff business; the citizen sees only that it moved.
      note: h.action === "assign" ? (h.note?.split(" — ")[0] ?? null) : h.note,
    })),
  };
}

export function staffSummary(row: CaseRow, now: Date): StaffCaseSummary {
  const iso = now.toISOString();
  return {
    ref: row.ref,
    kind: row.kind,
    status: row.status,
    channel: row.channel,
    agency: row.agency,
    routedBy: row.routed_by,
    procedureCode: row.procedure_code,
    preview: [...row.text_masked].slice(0, 200).join(""),
    receivedAt: row.received_at,
    dueAt: row.due_at,
    overdue: isOverdue(row, now),
    progressDue: isOpen(row.status) && row.next_progress_at !== null && row.next_progress_at <= iso,
    nextProgressAt: row.next_progress_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

export function staffView(row: CaseRow, history: HistoryRow[], now: Date): StaffCaseView {
  return {
    ...staffSummary(row, now),
    text: row.text,
    contact: row.contact,
    userId: row.user_id,
    rejectReason: row.reject_reason,
    handledAt: row.handled_at,
    resultDate: row.result_date,
    resultRecordDueAt: row.result_record_due_at,
    resultRecordedLate:
      row.result_record_due_at !== null &&
      row.handled_at !== null &&
      row.handled_at > row.result_record_due_at,
    history: history.map((h) => ({
      at: h.at,
      action: h.action,
      from: h.from_status,
      to: h.to_status,
      actor: h.actor,
      note: h.note,
    })),
  };
}
