/**
 * Staff actions on a case: change status, reassign, post a progress note. The checks and what a
 * change writes are plans (planStatusChange…), which the store (src/feedback/sql-store.ts) runs in
 * one transaction — read, check version and transition, update with `version = version + 1`,
 * append history, queue the citizen's notification — so it happens entirely or not at all.
 */
import { isIsoDate, localDate, type IsoDate } from "../calendar/index.ts";
import {
  CaseNotFoundError,
  CaseNotOpenError,
  FeedbackInputError,
  InvalidTransitionError,
  VersionConflictError,
} from "./errors.ts";
import { MAX_AGENCY_CHARS, MAX_NOTE_CHARS, cleanOptionalText, requireText } from "./input.ts";
import type { DeadlineCalculator } from "./rules.ts";
import type { CaseScope } from "./scope.ts";
import { allowedNext, canTransition, isHandled, isOpen, isStatus, type Status } from "./status.ts";
import { citizenEvent, type Recorded } from "./record-event.ts";
import type { CaseRow } from "./store.ts";

export interface StatusChange {
  to: Status | string;
  /** "staff:<name>", "system"… */
  actor: string;
  /** Shown to the citizen. Required when answering (the answer, in short). */
  note?: string | null;
  /** Required when rejecting; shown to the citizen. */
  reason?: string | null;
  /** The version the caller read; omitted = whatever is current. */
  expectedVersion?: number;
  /** Date of the result document when answering (default today): starts the recording period. */
  resultDate?: IsoDate;
  /** The caller's scope: a case outside it is "not found" (checked in the transaction). */
  scope?: Pick<CaseScope, "covers">;
}

export interface Assignment {
  agency: string;
  actor: string;
  note?: string | null;
  expectedVersion?: number;
  /** The caller's scope (see StatusChange). An official may hand their case to another agency. */
  scope?: Pick<CaseScope, "covers">;
}

export interface ProgressNote {
  actor: string;
  note: string;
  expectedVersion?: number;
  scope?: Pick<CaseScope, "covers">;
}

const ACTOR = /^(citizen|system|staff:[\p{L}\p{N}_.@-]{1,64})$/u;

function checkActor(actor: string): string {
  if (typeof actor !== "string" || !ACTOR.test(actor)) {
    throw new FeedbackInputError(
      "invalid_field",
      "actor",
      'actor must be "system" or "staff:<name>"',
    );
  }
  return actor;
}

function checkVersion(v: number | undefined): number | undefined {
  if (v !== undefined && (!Number.isSafeInteger(v) || v < 1)) {
    throw new FeedbackInputError("invalid_field", "version", "version must be a positive integer");
  }
  return v;
}

/**
 * A staff action, checked as far as it can be without the case: `apply` checks it against the case
 * as read (throwing the named error), gives the row to write and what to record once it is saved.
 */
export interface TransitionPlan {
  ref: string;
  expectedVersion: number | undefined;
  scope: Pick<CaseScope, "covers"> | undefined;
  apply(row: CaseRow, now: Date): { next: CaseRow; record: (saved: CaseRow) => Recorded };
}

/** The checks `mutate` makes on the case it read, before applying the plan. */
export function checkRead(plan: TransitionPlan, row: CaseRow | undefined): CaseRow {
  // Outside the caller's scope is the same answer as no such case: nothing leaks.
  if (!row || (plan.scope && !plan.scope.covers(row.agency))) {
    throw new CaseNotFoundError(plan.ref);
  }
  if (plan.expectedVersion !== undefined && row.version !== plan.expectedVersion) {
    throw new VersionConflictError(plan.ref, plan.expectedVersion, row.version);
  }
  return row;
}

/** After the due time, each update restarts the 7-day clock; once handled, there is none. */
function nextProgress(
  deadlines: DeadlineCalculator,
  row: CaseRow,
  status: Status,
  now: Date,
): string | null {
  if (!isOpen(status)) return null;
  if (now.toISOString() > row.due_at) return deadlines.nextProgressAfter(now).toISOString();
  return row.next_progress_at;
}

export function planStatusChange(
  ref: string,
  change: StatusChange,
  deadlines: DeadlineCalculator,
): TransitionPlan {
  const actor = checkActor(change.actor);
  const expected = checkVersion(change.expectedVersion);
  if (!isStatus(change.to)) {
    throw new FeedbackInputError("invalid_status", "status", `unknown status ${String(change.to)}`);
  }
  const to = change.to;
  const note = cleanOptionalText(change.note, "note", MAX_NOTE_CHARS);
  const reason = cleanOptionalText(change.reason, "reason", MAX_NOTE_CHARS);
  if (to === "rejected" && reason === null) {
    throw new FeedbackInputError("reason_required", "reason", "rejecting needs a reason");
  }
  if (to === "answered" && note === null) {
    throw new FeedbackInputError("note_required", "note", "answering needs the answer as note");
  }
  if (change.resultDate !== undefined && !isIsoDate(change.resultDate)) {
    throw new FeedbackInputError("invalid_field", "resultDate", "resultDate must be YYYY-MM-DD");
  }
  return {
    ref,
    expectedVersion: expected,
    scope: change.scope,
    apply(row, now) {
      if (!canTransition(row.status, to)) {
        throw new InvalidTransitionError(ref, row.status, to, allowedNext(row.status));
      }
      let resultDate = row.result_date;
      let recordDue = row.result_record_due_at;
      if (to === "answered") {
        const today = localDate(now);
        resultDate = change.resultDate ?? today;
        if (resultDate > today || resultDate < localDate(new Date(row.received_at))) {
          throw new FeedbackInputError(
            "invalid_field",
            "resultDate",
            "resultDate must be between the day the case was received and today",
          );
        }
        recordDue = deadlines.resultRecordDue(resultDate).toISOString();
      }
      const next: CaseRow = {
        ...row,
        status: to,
        reject_reason: to === "rejected" ? reason : row.reject_reason,
        handled_at: row.handled_at ?? (isHandled(to) ? now.toISOString() : null),
        next_progress_at: nextProgress(deadlines, row, to, now),
        result_date: resultDate,
        result_record_due_at: recordDue,
      };
      const shown = to === "rejected" ? reason : note;
      return {
        next,
        record: (saved) =>
          citizenEvent({
            row: saved,
            idempotencyKey: `${ref}:v${saved.version}`,
            actor,
            event: "status",
            from: row.status,
            to,
            note: shown,
            now,
          }),
      };
    },
  };
}

export function planAssignment(ref: string, assignment: Assignment): TransitionPlan {
  const actor = checkActor(assignment.actor);
  const expected = checkVersion(assignment.expectedVersion);
  const agency = requireText(assignment.agency, "agency", MAX_AGENCY_CHARS);
  const note = cleanOptionalText(assignment.note, "note", MAX_NOTE_CHARS);
  return {
    ref,
    expectedVersion: expected,
    scope: assignment.scope,
    apply(row, now) {
      if (!isOpen(row.status)) throw new CaseNotOpenError(ref, row.status);
      return {
        next: { ...row, agency, routed_by: "staff" },
        record: (saved) => ({
          history: {
            caseId: saved.id,
            at: now.toISOString(),
            actor,
            action: "assign",
            from: row.status,
            to: row.status,
            note: `Chuyển đến: ${agency}${note ? ` — ${note}` : ""}`,
          },
          notification: null,
        }),
      };
    },
  };
}

export function planProgress(
  ref: string,
  progress: ProgressNote,
  deadlines: DeadlineCalculator,
): TransitionPlan {
  const actor = checkActor(progress.actor);
  const expected = checkVersion(progress.expectedVersion);
  const note = requireText(progress.note, "note", MAX_NOTE_CHARS);
  return {
    ref,
    expectedVersion: expected,
    scope: progress.scope,
    apply(row, now) {
      if (!isOpen(row.status)) throw new CaseNotOpenError(ref, row.status);
      return {
        next: { ...row, next_progress_at: nextProgress(deadlines, row, row.status, now) },
        record: (saved) =>
          citizenEvent({
            row: saved,
            idempotencyKey: `${ref}:v${saved.version}`,
            actor,
            event: "progress",
            from: row.status,
            to: row.status,
            note,
            now,
          }),
      };
    },
  };
}
