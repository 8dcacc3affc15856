/**
 * The 7-day progress rule: an overdue case that staff have not updated for a period gets a
 * "still being handled" entry in its history and a notification to the citizen. Idempotent per
 * scheduled time, so running the sweep twice (or from two processes) notifies once.
 */
import type { Database } from "../db/index.ts";
import type { Enqueue } from "./outbox.ts";
import type { DeadlineCalculator } from "./rules.ts";
import { OPEN_STATUSES } from "./status.ts";
import { recordCitizenEvent } from "./record-event.ts";
import type { CaseRow, FeedbackStatements } from "./store.ts";

export const SYSTEM_PROGRESS_NOTE =
  "Phản ánh, kiến nghị của Ông/Bà đã quá thời hạn xử lý và đang tiếp tục được xử lý.";

export interface ProgressSweepDeps {
  db: Database;
  statements: FeedbackStatements;
  now: () => Date;
  deadlines: DeadlineCalculator;
  enqueue: Enqueue;
  batchSize?: number;
}

/** Returns a sweep that handles up to batchSize due cases per call and returns how many. */
export function createProgressSweep(deps: ProgressSweepDeps): () => number {
  const { db, statements: s, deadlines, enqueue } = deps;
  const open = OPEN_STATUSES.map((x) => `'${x}'`).join(", ");
  const due = db.prepare<[string, number], CaseRow>(
    `SELECT * FROM feedback_cases
     WHERE next_progress_at IS NOT NULL AND next_progress_at <= ? AND status IN (${open})
     ORDER BY next_progress_at LIMIT ?`,
  );
  const setNext = db.prepare<[string, number, string]>(
    `UPDATE feedback_cases SET next_progress_at = ? WHERE id = ? AND next_progress_at = ?`,
  );

  const one = db.transaction((row: CaseRow, now: Date): boolean => {
    const scheduled = row.next_progress_at!;
    let next = deadlines.nextProgressAfter(new Date(scheduled));
    while (next <= now) next = deadlines.nextProgressAfter(next);
    // Someone else (staff, another sweeper) moved it since we read: nothing to do.
    if (setNext.run(next.toISOString(), row.id, scheduled).changes !== 1) return false;
    recordCitizenEvent(s, enqueue, {
      row,
      idempotencyKey: `${row.ref}:progress:${scheduled}`,
      actor: "system",
      event: "progress",
      from: row.status,
      to: row.status,
      note: SYSTEM_PROGRESS_NOTE,
      now,
    });
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
