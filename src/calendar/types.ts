import type { IsoDate } from "./local-date.ts";

/**
 * One date that differs from the ordinary week: a day off on a weekday, or a worked day (usually a
 * Saturday swapped with a weekday off). Weekends need no rule.
 */
export interface DayRule {
  date: IsoDate;
  kind: "day_off" | "working_day";
  name: string;
  /** The legal text or announcement that makes it so. */
  reference: string;
  source: "statutory" | "override";
}

/** Where the calendar gets its special days, one year at a time. */
export interface HolidaySource {
  forYear(year: number): readonly DayRule[];
}
