/** The PAKN cases the planner needs, read through the PAKN store. */
import type {
  CaseList,
  ListFilter,
  StaffCaseSummary,
  StaffCaseView,
  Status,
} from "../feedback/index.ts";
import type { CaseInfo } from "./planner.ts";

const OPEN: readonly Status[] = ["received", "accepted", "in_progress"];

/** Where the cases are read: the PAKN store (FeedbackStore). */
export interface CaseSource {
  list(filter: ListFilter): Promise<CaseList>;
  staffView(ref: string): Promise<StaffCaseView>;
}

/** Open cases (due, overdue, progress) and answered ones (result still to record). */
export async function feedbackCases(feedback: CaseSource): Promise<CaseInfo[]> {
  const out: CaseInfo[] = [];
  const each = async (
    statuses: readonly Status[],
    f: (s: StaffCaseSummary) => Promise<CaseInfo | null> | CaseInfo | null,
  ) => {
    let cursor: string | undefined;
    do {
      const page = await feedback.list({ statuses, limit: 200, ...(cursor ? { cursor } : {}) });
      for (const s of page.items) {
        const c = await f(s);
        if (c) out.push(c);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  };
  await each(OPEN, (v) => {
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
  await each(["answered"], async (s) => {
    const v = await feedback.staffView(s.ref);
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
