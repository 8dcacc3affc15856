/** The holiday source the calendar reads: statutory days, then the overrides on top. */
import { statutoryHolidays } from "./statutory.ts";
import { yearOf } from "./local-date.ts";
import type { DayRule, HolidaySource } from "./types.ts";

export interface HolidaySourceOptions {
  /** Entries from the overrides file (see loadHolidayOverrides). */
  overrides?: readonly DayRule[];
  /** Default: date-holidays VN, public days. Tests can pass their own. */
  statutory?: (year: number) => readonly DayRule[];
}

export function createHolidaySource(options: HolidaySourceOptions = {}): HolidaySource {
  const statutory = options.statutory ?? statutoryHolidays;
  const overrides = options.overrides ?? [];
  return {
    forYear(year) {
      const byDate = new Map(statutory(year).map((r) => [r.date, r]));
      for (const r of overrides) if (yearOf(r.date) === year) byDate.set(r.date, r);
      return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
    },
  };
}
