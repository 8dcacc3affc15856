export {
  createCalendar,
  CalendarRangeError,
  type Calendar,
  type CalendarOptions,
} from "./calendar.ts";
export { createHolidaySource, type HolidaySourceOptions } from "./source.ts";
export {
  computeStatutoryHolidays,
  statutoryHolidays,
  statutoryTable,
  STATUTORY_TABLE_FILE,
  type StatutoryTable,
} from "./statutory.ts";
export {
  loadHolidayOverrides,
  parseHolidayOverrides,
  holidayFileSchema,
  DEFAULT_HOLIDAYS_FILE,
} from "./overrides.ts";
export { loadCalendar } from "./default.ts";
export { runCalendarCommand, CalendarUsageError, CALENDAR_USAGE } from "./command.ts";
export {
  addDays,
  endOfLocalDay,
  startOfLocalDay,
  localDate,
  isIsoDate,
  toIsoDate,
  weekday,
  InvalidDateError,
  TIME_ZONE,
  type IsoDate,
} from "./local-date.ts";
export type { DayRule, HolidaySource } from "./types.ts";
