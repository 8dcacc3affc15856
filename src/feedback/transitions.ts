/**
 * Staff actions on a case: change status, reassign, post a progress note. Each runs in one
 * IMMEDIATE transaction — read, check version and transition, update with `version = version + 1`,
 * append history, queue the citizen's notification — so it happens entirely or not at all.
 */
import { isIsoDate, localDate, type IsoDate } from "../calendar/index.ts";
import type { Database } from "../db/index.ts";
import {
  CaseNotFoundError,
  CaseNotOpenError,
  FeedbackInputError,
  InvalidTransitionError,
  VersionConflictError,
} from "./errors.ts";
import { MAX_AGENCY_CHARS, MAX_NOTE_CHARS, cleanOptionalText, requireText } from "./input.ts";
import type { Enqueue } from "./outbox.ts";
import type { DeadlineCalculator } from "./rules.ts";
import type { CaseScope } from "./scope.ts";
import { allowedNext, canTransition, isHandled, isOpen, isStatus, type Status } from "./status.ts";
import { recordCitizenEvent } from "./record-event.ts";
import { addHistory, type CaseRow, type FeedbackStatements } from "./store.ts";

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

export interface TransitionDeps {
  db: Database;
  statements: FeedbackStatements;
  now: () => Date;
  deadlines: DeadlineCalculator;
  enqueue: Enqueue;
}

export interface Transitions {
  changeStatus(ref: string, change: StatusChange): CaseRow;
  assign(ref: string, assignment: Assignment): CaseRow;
  addProgress(ref: string, progress: ProgressNote): CaseRow;
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

export function createTransitions(deps: TransitionDeps): Transitions {
  const { db, statements: s, deadlines, enqueue } = deps;

  const update = db.prepare(
    `UPDATE feedback_cases SET status = @status, agency = @agency, routed_by = @routed_by,
       reject_reason = @reject_reason, next_progress_at = @next_progress_at,
       handled_at = @handled_at, result_date = @result_date,
       result_record_due_at = @result_record_due_at, updated_at = @updated_at,
       version = version + 1
     WHERE id = @id AND version = @version`,
  );

  /** Reads the case, checks the version; runs `change` and writes its result. */
  function mutate(
    ref: string,
    expectedVersion: number | undefined,
    scope: Pick<CaseScope, "covers"> | undefined,
    change: (row: CaseRow, now: Date) => { next: CaseRow; after: (row: CaseRow) => void },
  ): CaseRow {
    const run = db.transaction(() => {
      const row = s.byRef.get(ref);
      // Outside the caller's scope is the same answer as no such case: nothing leaks.
      if (!row || (scope && !scope.covers(row.agency))) throw new CaseNotFoundError(ref);
      if (expectedVersion !== undefined && row.version !== expectedVersion) {
        throw new VersionConflictError(ref, expectedVersion, row.version);
      }
      const now = deps.now();
      const { next, after } = change(row, now);
      const info = update.run({ ...next, updated_at: now.toISOString(), version: row.version });
      if (info.changes !== 1) throw new VersionConflictError(ref, row.version, row.version + 1);
      const saved = s.byRef.get(ref)!;
      after(saved);
      return saved;
    });
    return run.immediate();
  }

  /** After the due time, each update restarts the 7-day clock; once handled, there is none. */
  function nextProgress(row: CaseRow, status: Status, now: Date): string | null {
    if (!isOpen(status)) return null;
    if (now.toISOString() > row.due_at) return deadlines.nextProgressAfter(now).toISOString();
    return row.next_progress_at;
  }

  return {
    changeStatus(ref, change) {
      const actor = checkActor(change.actor);
      const expected = checkVersion(change.expectedVersion);
      if (!isStatus(change.to)) {
        throw new FeedbackInputError(
          "invalid_status",
          "status",
          `unknown status ${String(change.to)}`,
        );
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
        throw new FeedbackInputError(
          "invalid_field",
          "resultDate",
          "resultDate must be YYYY-MM-DD",
        );
      }
      return mutate(ref, expected, change.scope, (row, now) => {
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
          next_progress_at: nextProgress(row, to, now),
          result_date: resultDate,
          result_record_due_at: recordDue,
        };
        const shown = to === "rejected" ? reason : note;
        return {
          next,
          after: (saved) =>
            recordCitizenEvent(s, enqueue, {
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
      });
    },

    assign(ref, assignment) {
      const actor = checkActor(assignment.actor);
      const expected = checkVersion(assignment.expectedVersion);
      const agency = requireText(assignment.agency, "agency", MAX_AGENCY_CHARS);
      const note = cleanOptionalText(assignment.note, "note", MAX_NOTE_CHARS);
      return mutate(ref, expected, assignment.scope, (row, now) => {
        if (!isOpen(row.status)) throw new CaseNotOpenError(ref, row.status);
        return {
          next: { ...row, agency, routed_by: "staff" },
          after: (saved) =>
            addHistory(s, {
              caseId: saved.id,
              at: now.toISOString(),
              actor,
              action: "assign",
              from: row.status,
              to: row.status,
              note: `Chuyển đến: ${agency}${note ? ` — ${note}` : ""}`,
            }),
        };
      });
    },

    addProgress(ref, progress) {
      const actor = checkActor(progress.actor);
      const expected = checkVersion(progress.expectedVersion);
      const note = requireText(progress.note, "note", MAX_NOTE_CHARS);
      return mutate(ref, expected, progress.scope, (row, now) => {
        if (!isOpen(row.status)) throw new CaseNotOpenError(ref, row.status);
        return {
          next: { ...row, next_progress_at: nextProgress(row, row.status, now) },
          after: (saved) =>
            recordCitizenEvent(s, enqueue, {
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
      });
    },
  };
}
