import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadCalendar } from "../../src/calendar/index.ts";
import { createSqliteSql, type SqlDatabase } from "../../src/db/index.ts";
import {
  createDeadlineCalculator,
  createFeedbackStore,
  createProcedureDirectory,
  parseRules,
  type FeedbackStore,
  type FeedbackStoreOptions,
  type PaknRules,
} from "../../src/feedback/index.ts";

/** The rules of 001 §II.10, pinned here so that editing data/pakn-rules.json does not move tests. */
export const RULES: PaknRules = parseRules({
  reference: "test",
  handling: { amount: 20, unit: "days", rollToWorkingDay: true },
  progressUpdate: { amount: 7, unit: "days" },
  resultRecording: { amount: 2, unit: "working_days" },
});

export const PROCEDURES = createProcedureDirectory([
  { code: "1.001193", agencies: ["UBND cấp xã", "Phòng Tư pháp"] },
  { code: "2.002123", agencies: [] },
]);

export const calendar = loadCalendar();
export const deadlines = createDeadlineCalculator(RULES, calendar);

export interface Clock {
  now: () => Date;
  set(iso: string): void;
  advanceDays(n: number): void;
}

export function clock(iso: string): Clock {
  let t = new Date(iso);
  return {
    now: () => new Date(t),
    set: (v) => (t = new Date(v)),
    advanceDays: (n) => (t = new Date(t.getTime() + n * 86_400_000)),
  };
}

export function tempDbFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), "motcua-fb-")), "motcua.sqlite");
}

/** The PAKN store on `sql` with the test rules, procedures and calendar. */
export function storeOn(
  sql: SqlDatabase,
  c: Pick<Clock, "now">,
  options: Partial<FeedbackStoreOptions> = {},
): FeedbackStore {
  return createFeedbackStore({
    sql,
    now: c.now,
    deadlines,
    procedures: PROCEDURES,
    calendar,
    ...options,
  });
}

/** The PAKN store on a new SQLite file (or `file`), its clock at `at` (default Monday 2/3/2026). */
export function makeStore(options: { file?: string; at?: string } = {}): {
  sql: SqlDatabase;
  store: FeedbackStore;
  clock: Clock;
  file: string;
} {
  const file = options.file ?? tempDbFile();
  const sql = createSqliteSql({ file });
  const c = clock(options.at ?? "2026-03-02T02:00:00Z"); // Monday 09:00 in Hà Nội
  return { sql, store: storeOn(sql, c), clock: c, file };
}

export const TEXT = "Cán bộ yêu cầu nộp thêm bản sao giấy tờ không có trong quy định.";
