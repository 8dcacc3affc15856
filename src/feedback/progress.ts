/**
 * The 7-day progress rule: an overdue case that staff have not updated for a period gets a
 * "still being handled" entry in its history and a notification to the citizen. Idempotent per
 * scheduled time, so running the sweep twice (or from two processes) notifies once.
 */
import type { Database } from "../db/index.ts";
import type { Enqueue } from "./outbox.ts";
import type { DeadlineCalculator } from "./rules.ts";
import { OPEN_STATUSES } from "./status.ts";
import { citizenEvent, writeRecorded, type Recorded } from "./record-event.ts";
import type { CaseRow, FeedbackStatements } from "./store.ts";

export const SYSTEM_PROGRESS_NOTE =
  "Phản ánh, kiến nghị của Ông/Bà đã quá thời hạn xử lý và đang tiếp tục được xử lý.";

export interface ProgressSweepOptions {
  db: Database;
  statements: FeedbackStatements;
  now: () => Date;
  deadlines: DeadlineCalculator;
  enqueue: Enqueue;
  batchSize?: number;
}

const open = OPEN_STATUSES.map((x) => `'${x}'`).join(", ");

export const PROGRESS_SQL = {
  /** Open cases whose 7-day update is owed at `?`, oldest first, `?` of them. */
  due: `SELECT * FROM feedback_cases
     WHERE next_progress_at IS NOT NULL AND next_progress_at <= ? AND status IN (${open})
     ORDER BY next_progress_at, id LIMIT ?`,
  /**
   * Moves the schedule from the one read: no change when staff or another sweeper (another
   * instance) moved it since, which is what makes the sweep notify once.
   */
  move: `UPDATE feedback_cases SET next_progress_at = ? WHERE id = ? AND next_progress_at = ?`,
} as const;

/** The next scheduled update after `now`, and what the one owed at `row.next_progress_at` writes. */
export function progressOwed(
  deadlines: DeadlineCalculator,
  row: CaseRow,
  now: Date,
): { scheduled: string; next: string; recorded: Recorded } {
  const scheduled = row.next_progress_at!;
  let next = deadlines.nextProgressAfter(new Date(scheduled));
  while (next <= now) next = deadlines.nextProgressAfter(next);
  return {
    scheduled,
    next: next.toISOString(),
    recorded: citizenEvent({
      row,
      idempotencyKey: `${row.ref}:progress:${scheduled}`,
      actor: "system",
      event: "progress",
      from: row.status,
      to: row.status,
      note: SYSTEM_PROGRESS_NOTE,
      now,
    }),
  };
}

/** Returns a sweep that handles up to batchSize due cases per call and returns how many. */
export function createProgressSweep(deps: ProgressSweepOptions): () => number {
  const { db, statements: s, deadlines, enqueue } = deps;
  const due = db.prepare<[string, number], CaseRow>(PROGRESS_SQL.due);
  const setNext = db.prepare<[string, number, string]>(PROGRESS_SQL.move);

  const one = db.transaction((row: CaseRow, now: Date): boolean => {
    const owed = progressOwed(deadlines, row, now);
    // Someone else (staff, another sweeper) moved it since we read: nothing to do.
    if (setNext.run(owed.next, row.id, owed.scheduled).changes !== 1) return false;
    writeRecorded(s, enqueue, owed.recorded);
    return true;
  });

  return () => {
    const now = deps.now();
    let n = 0;
    for (const row of due.all(now.toISOString(), deps.batchSize ?? 500)) {
      if (one.immediate(row, now)) n++;
    }
    return n;
  };
}
