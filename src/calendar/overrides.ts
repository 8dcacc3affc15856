/**
 * The editable overrides file (data/holidays.json): days off and worked days the government
 * announces each year, each with its legal reference. Validated with zod; a bad file is a
 * DataFileError naming the entry and the field.
 */
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { DataFileError, issueProblems } from "../errors.ts";
import { readJsonFile } from "../rule-file.ts";
import { addDays, dayNumber, isIsoDate, type IsoDate } from "./local-date.ts";
import type { DayRule } from "./types.ts";

export const DEFAULT_HOLIDAYS_FILE = fileURLToPath(
  new URL("../../data/holidays.json", import.meta.url),
);

/** Longest range one entry may span (Tết with its weekends is 9 days). */
const MAX_RANGE_DAYS = 31;

const isoDate = z.string().refine(isIsoDate, { error: "must be a date YYYY-MM-DD" });
const text = z.string().trim().min(1, { error: "must not be empty" }).max(500);

const entrySchema = z
  .object({
    date: isoDate,
    /** Last day of a range, inclusive. */
    to: isoDate.optional(),
    kind: z.enum(["day_off", "working_day"]),
    name: text,
    reference: text,
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.to === undefined || !isIsoDate(e.date) || !isIsoDate(e.to)) return;
    const span = dayNumber(e.to) - dayNumber(e.date);
    if (span < 0) ctx.addIssue({ code: "custom", path: ["to"], message: "is before date" });
    if (span >= MAX_RANGE_DAYS) {
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: `range longer than ${MAX_RANGE_DAYS} days`,
      });
    }
  });

export const holidayFileSchema = z
  .object({ $comment: z.string().optional(), days: z.array(entrySchema) })
  .strict();

export type HolidayFile = z.infer<typeof holidayFileSchema>;

/** Expands ranges and checks that no date is both a day off and a working day. */
export function parseHolidayOverrides(value: unknown, file = "(inline)"): DayRule[] {
  const parsed = holidayFileSchema.safeParse(value);
  if (!parsed.success) {
    throw new DataFileError(file, issueProblems(parsed.error.issues));
  }
  const byDate = new Map<IsoDate, DayRule>();
  const conflicts: string[] = [];
  for (const e of parsed.data.days) {
    const last = e.to ?? e.date;
    for (let d = e.date; d <= last; d = addDays(d, 1)) {
      const prior = byDate.get(d);
      if (prior && prior.kind !== e.kind) conflicts.push(`${d}: both day_off and working_day`);
      byDate.set(d, {
        date: d,
        kind: e.kind,
        name: e.name,
        reference: e.reference,
        source: "override",
      });
    }
  }
  if (conflicts.length > 0) {
    throw new DataFileError(file, conflicts);
  }
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}

export function loadHolidayOverrides(file: string = DEFAULT_HOLIDAYS_FILE): DayRule[] {
  return parseHolidayOverrides(readJsonFile(file), file);
}
