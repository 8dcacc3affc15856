import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadCalendar } from "../../src/calendar/index.ts";
import { openDatabase, type Database } from "../../src/db/index.ts";
import {
  createFeedbackQueue,
  createProcedureDirectory,
  parseRules,
  type FeedbackQueue,
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

export function makeQueue(options: { file?: string; at?: string; db?: Database } = {}): {
  db: Database;
  queue: FeedbackQueue;
  clock: Clock;
  file: string;
} {
  const file = options.file ?? tempDbFile();
  const db = options.db ?? openDatabase(file);
  const c = clock(options.at ?? "2026-03-02T02:00:00Z"); // Monday 09:00 in Hà Nội
  const queue = createFeedbackQueue({
    db,
    now: c.now,
    calendar,
    rules: RULES,
    procedures: PROCEDURES,
  });
  return { db, queue, clock: c, file };
}

export const TEXT = "Cán bộ yêu cầu nộp thêm bản sao giấy tờ không có trong quy định.";
