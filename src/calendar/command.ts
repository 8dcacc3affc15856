/**
 * `calendar add DATE N`, `calendar count FROM TO`, `calendar days YEAR`: the working-day calendar
 * from the command line, for staff checking a deadline or the overrides file.
 */
import type { Calendar } from "./calendar.ts";
import { isIsoDate, weekday } from "./local-date.ts";
import { MotcuaError } from "../errors.ts";

export const CALENDAR_USAGE = `  calendar add DATE N               DATE + N working days (ngày làm việc), e.g. add 2026-02-12 5
  calendar count FROM TO            working days after FROM up to and including TO
  calendar days YEAR                the year's days off and worked days, with their legal basis`;

export class CalendarUsageError extends MotcuaError {
  readonly code = "calendar_usage_invalid";
}

const WEEKDAYS = ["CN", "T2", "T3", "T4", "T5", "T6", "T7"];

function date(value: string | undefined, what: string): string {
  if (value === undefined || !isIsoDate(value)) {
    throw new CalendarUsageError(`${what} must be a date YYYY-MM-DD, got ${value ?? "nothing"}`);
  }
  return value;
}

function integer(value: string | undefined, what: string): number {
  if (value === undefined || !/^-?\d{1,5}$/.test(value)) {
    throw new CalendarUsageError(`${what} must be an integer, got ${value ?? "nothing"}`);
  }
  return Number(value);
}

export function runCalendarCommand(
  args: readonly string[],
  calendar: () => Calendar,
  out: (line: string) => void,
): number {
  const [sub, a, b] = args;
  switch (sub) {
    case "add":
      out(calendar().addWorkingDays(date(a, "DATE"), integer(b, "N")));
      return 0;
    case "count":
      out(String(calendar().countWorkingDays(date(a, "FROM"), date(b, "TO"))));
      return 0;
    case "days": {
      const year = integer(a, "YEAR");
      for (const r of calendar().rulesOf(year)) {
        const wd = WEEKDAYS[weekday(r.date)];
        const kind = r.kind === "day_off" ? "nghỉ" : "làm việc";
        out(`${r.date} ${wd}  ${kind.padEnd(8)}  ${r.name}  [${r.reference}]`);
      }
      return 0;
    }
    default:
      throw new CalendarUsageError(
        `calendar: unknown subcommand ${sub ?? "(none)"}\n${CALENDAR_USAGE}`,
      );
  }
}
