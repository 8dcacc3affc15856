/** The PAKN cases the planner needs, read through the queue's public API. */
import type { FeedbackQueue, StaffCaseSummary, Status } from "../feedback/index.ts";
import type { CaseInfo } from "./planner.ts";

const OPEN: readonly Status[] = ["received", "accepted", "in_progress"];

/** Open cases (due, overdue, progress) and answered ones (result still to record). */
export function feedbackCases(queue: Pick<FeedbackQueue, "list" | "staffView">): CaseInfo[] {
  const out: CaseInfo[] = [];
  const each = (statuses: readonly Status[], f: (s: StaffCaseSummary) => CaseInfo | null) => {
    let cursor: string | undefined;
    do {
      const page = queue.list({ statuses, limit: 200, ...(cursor ? { cursor } : {}) });
      for (const s of page.items) {
        const c = f(s);
        if (c) out.push(c);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  };
  each(OPEN, (v) => {
    return {
      ref: v.ref,
      agency: v.agency,
      status: v.status,
      dueAt: v.dueAt,
      nextProgressAt: v.nextProgressAt,
      resultRecordDueAt: null,
      preview: v.preview.slice(0, 80),
    };
  });
  each(["answered"], (s) => {
    const v = queue.staffView(s.ref);
    if (!v.resultRecordDueAt) return null;
    return {
      ref: v.ref,
      agency: v.agency,
      status: v.status,
      dueAt: v.dueAt,
      nextProgressAt: null,
      resultRecordDueAt: v.resultRecordDueAt,
      preview: v.preview.slice(0, 80),
    };
  });
  return out;
}
