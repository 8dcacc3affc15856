/**
 * PAKN deadlines from data/pakn-rules.json (numbers in data, not code: provinces adjust them):
 * the handling period, the cadence of progress updates once it has run out, and the time to record
 * the result. Periods start the day after the event (Civil Code 2015, art. 147); a period in
 * calendar days that ends on a day off ends on the next working day instead (art. 148).
 */
import { fileURLToPath } from "node:url";
import { z } from "zod";
import {
  addDays,
  endOfLocalDay,
  localDate,
  type Calendar,
  type IsoDate,
} from "../calendar/index.ts";
import { DataFileError, issueProblems } from "../errors.ts";
import { readJsonFile } from "../rule-file.ts";

export const DEFAULT_RULES_FILE = fileURLToPath(
  new URL("../../data/pakn-rules.json", import.meta.url),
);

const period = z
  .object({
    amount: z.number().int().min(1).max(366),
    unit: z.enum(["days", "working_days"]),
    rollToWorkingDay: z.boolean().default(false),
  })
  .strict();

export const rulesSchema = z
  .object({
    $comment: z.string().optional(),
    reference: z.string().min(1),
    handling: period,
    progressUpdate: period,
    resultRecording: period,
  })
  .strict();

export type PaknRules = z.infer<typeof rulesSchema>;
export type Period = PaknRules["handling"];

export function parseRules(value: unknown, file = "(inline)"): PaknRules {
  const parsed = rulesSchema.safeParse(value);
  if (!parsed.success) {
    throw new DataFileError(file, issueProblems(parsed.error.issues));
  }
  return parsed.data;
}

export function loadRules(file: string = DEFAULT_RULES_FILE): PaknRules {
  return parseRules(readJsonFile(file), file);
}

/** The last day of a period that starts the day after `start`. */
export function periodEnd(start: IsoDate, p: Period, calendar: Calendar): IsoDate {
  if (p.unit === "working_days") return calendar.addWorkingDays(start, p.amount);
  const end = addDays(start, p.amount);
  return p.rollToWorkingDay ? calendar.nextWorkingDayOnOrAfter(end) : end;
}

export interface Deadlines {
  /** Vietnamese date on which the handling period ends. */
  dueDate: IsoDate;
  /** End of that day (23:59:59.999 +07:00). */
  dueAt: Date;
  /** First progress update, owed if the case is still open by then. */
  firstProgressAt: Date;
}

export interface DeadlineCalculator {
  forReceipt(receivedAt: Date): Deadlines;
  /** When the next progress update is owed, counted from the last one (or the due time). */
  nextProgressAfter(from: Date): Date;
  /** Until when the result of `resultDate` may be recorded. */
  resultRecordDue(resultDate: IsoDate): Date;
}

export function createDeadlineCalculator(rules: PaknRules, calendar: Calendar): DeadlineCalculator {
  const next = (from: Date): Date => {
    const p = rules.progressUpdate;
    if (p.unit === "days" && !p.rollToWorkingDay) {
      return new Date(from.getTime() + p.amount * 24 * 60 * 60 * 1000);
    }
    return endOfLocalDay(periodEnd(localDate(from), p, calendar));
  };
  return {
    forReceipt(receivedAt) {
      const dueDate = periodEnd(localDate(receivedAt), rules.handling, calendar);
      const dueAt = endOfLocalDay(dueDate);
      return { dueDate, dueAt, firstProgressAt: next(dueAt) };
    },
    nextProgressAfter: next,
    resultRecordDue: (resultDate) =>
      endOfLocalDay(periodEnd(resultDate, rules.resultRecording, calendar)),
  };
}
