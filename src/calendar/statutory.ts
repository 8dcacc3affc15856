/**
 * Statutory public holidays of Vietnam (Bộ luật Lao động 2019, Điều 112) as `date-holidays`
 * computes them (VN, type "public" only): New Year, the five Tết days, Hùng Kings' day, 30/4,
 * 1/5, 2/9. It does not know the yearly swaps, the day adjacent to 2/9 or substitute days: those
 * come from the overrides file.
 *
 * The years 2000–2100 are read from data/statutory-holidays.json, the package's own output written
 * by `npx tsx scripts/statutory-holidays.ts` (a test keeps the two equal): the package with
 * its lunar calendar and time-zone data weighs about 20 MB of memory, so it is loaded only for a
 * year outside the table.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { addDays, dayNumber, localDate, type IsoDate } from "./local-date.ts";
import type { DayRule } from "./types.ts";

const SOURCE_REFERENCE = "Bộ luật Lao động 2019, Điều 112 (date-holidays, VN)";

export const STATUTORY_TABLE_FILE = fileURLToPath(
  new URL("../../data/statutory-holidays.json", import.meta.url),
);

/** The table's shape: year → [date, name] pairs in date order. */
export interface StatutoryTable {
  source: string;
  years: Record<string, Array<[IsoDate, string]>>;
}

let table: StatutoryTable | undefined;

function rule(date: IsoDate, name: string): DayRule {
  return { date, kind: "day_off", name, reference: SOURCE_REFERENCE, source: "statutory" };
}

/** Every public-holiday date of the year, multi-day holidays (Tết) expanded day by day. */
export function statutoryHolidays(year: number): DayRule[] {
  table ??= JSON.parse(readFileSync(STATUTORY_TABLE_FILE, "utf8")) as StatutoryTable;
  const days = table.years[String(year)];
  return days ? days.map(([date, name]) => rule(date, name)) : computeStatutoryHolidays(year);
}

type HolidaysClass = typeof import("date-holidays").default;

/** The same days computed by `date-holidays` itself, loaded on first use. */
export function computeStatutoryHolidays(year: number): DayRule[] {
  const Holidays = createRequire(import.meta.url)("date-holidays") as HolidaysClass;
  const hd = new Holidays("VN", { types: ["public"] });
  const out = new Map<IsoDate, DayRule>();
  for (const h of hd.getHolidays(year)) {
    if (h.type !== "public") continue;
    const first = localDate(h.start);
    // `end` is exclusive: the instant the last day ends.
    const last = localDate(new Date(h.end.getTime() - 1));
    for (let d = first; dayNumber(d) <= dayNumber(last); d = addDays(d, 1)) {
      if (!out.has(d)) out.set(d, rule(d, h.name));
    }
  }
  return [...out.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** The table for `from`–`to` computed by the package (what data/statutory-holidays.json holds). */
export function statutoryTable(from: number, to: number): StatutoryTable {
  const years: StatutoryTable["years"] = {};
  for (let y = from; y <= to; y++) {
    years[String(y)] = computeStatutoryHolidays(y).map((r) => [r.date, r.name]);
  }
  return { source: SOURCE_REFERENCE, years };
}
