import { createCalendar, type Calendar } from "./calendar.ts";
import { loadHolidayOverrides } from "./overrides.ts";
import { createHolidaySource } from "./source.ts";

/** The calendar over date-holidays VN and the overrides file (default data/holidays.json). */
export function loadCalendar(holidaysFile?: string): Calendar {
  return createCalendar({
    holidays: createHolidaySource({ overrides: loadHolidayOverrides(holidaysFile) }),
  });
}
