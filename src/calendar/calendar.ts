/**
 * Working days (ngày làm việc) in Vietnam: Monday to Friday, minus public holidays and announced
 * days off, plus announced worked days (swapped Saturdays).
 */
import { addDays, dayNumber, toIsoDate, weekday, yearOf, type IsoDate } from "./local-date.ts";
import type { DayRule, HolidaySource } from "./types.ts";
import { MotcuaError } from "../errors.ts";

export interface Calendar {
  /** Accepts a date or an instant (taken in Asia/Ho_Chi_Minh). */
  isWorkingDay(date: IsoDate | Date): boolean;
  /**
   * The date `n` working days after `date` (before it when n < 0), counting from the next day:
   * Thursday + 1 is Friday, Friday + 1 is Monday. n = 0 returns the date itself.
   */
  addWorkingDays(date: IsoDate | Date, n: number): IsoDate;
  /**
   * Working days after `from` up to and including `to` (negative when `to` is before `from`), so
   * that countWorkingDays(d, addWorkingDays(d, n)) === n.
   */
  countWorkingDays(from: IsoDate | Date, to: IsoDate | Date): number;
  /** The date itself when it is a working day, else the next working day. */
  nextWorkingDayOnOrAfter(date: IsoDate | Date): IsoDate;
  /** Why a date is special, if it is (a day off on a weekday, or a worked weekend day). */
  ruleFor(date: IsoDate | Date): DayRule | undefined;
  /** The special days of a year, in date order. */
  rulesOf(year: number): readonly DayRule[];
}

export interface CalendarOptions {
  holidays: HolidaySource;
}

/** Upper bound on how far one call may walk, so a bad input cannot loop for ever. */
const MAX_SPAN_DAYS = 20 * 366;

/** A count that is not an integer, or a count or range longer than one call may walk. */
export class CalendarRangeError extends MotcuaError {
  readonly code = "calendar_range_invalid";
}

export function createCalendar(deps: CalendarOptions): Calendar {
  const years = new Map<number, Map<IsoDate, DayRule>>();
  const rulesOfYear = (year: number) => {
    let rules = years.get(year);
    if (!rules) {
      rules = new Map(deps.holidays.forYear(year).map((r) => [r.date, r]));
      years.set(year, rules);
    }
    return rules;
  };
  const ruleFor = (date: IsoDate) => rulesOfYear(yearOf(date)).get(date);
  const isWorking = (date: IsoDate) => {
    const rule = ruleFor(date);
    if (rule) return rule.kind === "working_day";
    const wd = weekday(date);
    return wd !== 0 && wd !== 6;
  };

  const add = (start: IsoDate, n: number): IsoDate => {
    if (!Number.isInteger(n)) throw new CalendarRangeError(`n must be an integer, got ${n}`);
    if (Math.abs(n) > MAX_SPAN_DAYS) throw new CalendarRangeError(`n too large: ${n}`);
    const step = n < 0 ? -1 : 1;
    let d = start;
    for (let left = Math.abs(n); left > 0;) {
      d = addDays(d, step);
      if (isWorking(d)) left--;
    }
    return d;
  };

  const count = (from: IsoDate, to: IsoDate): number => {
    const a = dayNumber(from);
    const b = dayNumber(to);
    if (Math.abs(b - a) > MAX_SPAN_DAYS) throw new CalendarRangeError("range too long");
    if (b < a) return -count(to, from);
    let n = 0;
    for (let d = addDays(from, 1); dayNumber(d) <= b; d = addDays(d, 1)) if (isWorking(d)) n++;
    return n;
  };

  return {
    isWorkingDay: (date) => isWorking(toIsoDate(date)),
    addWorkingDays: (date, n) => add(toIsoDate(date), n),
    countWorkingDays: (from, to) => count(toIsoDate(from), toIsoDate(to)),
    nextWorkingDayOnOrAfter(date) {
      let d = toIsoDate(date);
      for (let i = 0; !isWorking(d); i++) {
        if (i > 366) throw new CalendarRangeError(`no working day within a year of ${d}`);
        d = addDays(d, 1);
      }
      return d;
    },
    ruleFor: (date) => ruleFor(toIsoDate(date)),
    rulesOf: (year) => [...rulesOfYear(year).values()].sort((a, b) => a.date.localeCompare(b.date)),
  };
}
