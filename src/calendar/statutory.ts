/**
 * Statutory public holidays of Vietnam from `date-holidays` (type "public" only): New Year, the five
 * Tết days, Hùng Kings' day, 30/4, 1/5, 2/9. It does not know the yearly swaps, the day adjacent to
 * 2/9 or substitute days: those come from the overrides file.
 */
import Holidays from "date-holidays";
import { addDays, dayNumber, localDate, type IsoDate } from "./local-date.ts";
import type { DayRule } from "./types.ts";

const SOURCE_REFERENCE = "Bộ luật Lao động 2019, Điều 112 (date-holidays, VN)";

/** Every public-holiday date of the year, multi-day holidays (Tết) expanded day by day. */
export function statutoryHolidays(year: number): DayRule[] {
  const hd = new Holidays("VN", { types: ["public"] });
  const out = new Map<IsoDate, DayRule>();
  for (const h of hd.getHolidays(year)) {
    if (h.type !== "public") continue;
    const first = localDate(h.start);
    // `end` is exclusive: the instant the last day ends.
    const last = localDate(new Date(h.end.getTime() - 1));
    for (let d = first; dayNumber(d) <= dayNumber(last); d = addDays(d, 1)) {
      if (!out.has(d)) {
        out.set(d, {
          date: d,
          kind: "day_off",
          name: h.name,
          reference: SOURCE_REFERENCE,
          source: "statutory",
        });
      }
    }
  }
  return [...out.values()].sort((a, b) => a.date.localeCompare(b.date));
}
