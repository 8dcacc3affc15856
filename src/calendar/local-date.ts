/**
 * Calendar dates ("2026-02-16") in Vietnam's time zone. Asia/Ho_Chi_Minh has been UTC+7 without
 * daylight saving since 1975, so a fixed offset is exact for every date this program handles.
 */
import { MotcuaError } from "../errors.ts";

/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

export const TIME_ZONE = "Asia/Ho_Chi_Minh";
const OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export class InvalidDateError extends MotcuaError {
  readonly code = "invalid_date";
  constructor(readonly input: string) {
    super(`Not a valid date (expected YYYY-MM-DD): ${JSON.stringify(input)}`);
  }
}

/** Days since 1970-01-01 of a valid IsoDate; throws InvalidDateError otherwise. */
export function dayNumber(date: IsoDate): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new InvalidDateError(date);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new InvalidDateError(date);
  }
  return Math.round(ms / DAY_MS);
}

export function fromDayNumber(n: number): IsoDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

export function isIsoDate(value: string): boolean {
  try {
    dayNumber(value);
    return true;
  } catch {
    return false;
  }
}

export function addDays(date: IsoDate, n: number): IsoDate {
  return fromDayNumber(dayNumber(date) + n);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: IsoDate): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

/** The date in Vietnam at this instant. */
export function localDate(instant: Date): IsoDate {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant the date starts in Vietnam (00:00 +07:00). */
export function startOfLocalDay(date: IsoDate): Date {
  return new Date(dayNumber(date) * DAY_MS - OFFSET_MS);
}

/** The last millisecond of the date in Vietnam (23:59:59.999 +07:00): when a deadline ends. */
export function endOfLocalDay(date: IsoDate): Date {
  return new Date(startOfLocalDay(date).getTime() + DAY_MS - 1);
}

/** A date string or an instant, as a Vietnamese calendar date. */
export function toIsoDate(value: IsoDate | Date): IsoDate {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new InvalidDateError(String(value));
    return localDate(value);
  }
  dayNumber(value);
  return value;
}
