/**
 * The 7-day progress rule: an overdue case that staff have not updated for a period gets a
 * "still being handled" entry in its history and a notification to the citizen. Idempotent per
 * scheduled time, so running the sweep twice (or from two processes) notifies once.
 */
import type { DeadlineCalculator } from "./rules.ts";
import { OPEN_STATUSES } from "./status.ts";
import { citizenEvent, type Recorded } from "./record-event.ts";
import type { CaseRow } from "./store.ts";

export const SYSTEM_PROGRESS_NOTE =
  "Phản ánh, kiến nghị của Ông/Bà đã quá thời hạn xử lý và đang tiếp tục được xử lý.";

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
