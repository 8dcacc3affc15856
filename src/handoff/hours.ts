/**
 * Hotline hours: "07:30-17:00" on working days (src/calendar), Vietnam time (UTC+7, no DST).
 * `hotlineStatus` says whether the hotline is open at an instant and, when not, when it opens.
 */
import { localDate, startOfLocalDay, type Calendar } from "../calendar/index.ts";
import { MotcuaError } from "../errors.ts";

export interface HotlineHours {
  /** Minutes after local midnight. */
  start: number;
  end: number;
}

export class HotlineHoursError extends MotcuaError {
  readonly code = "hotline_hours_invalid";
}

export const DEFAULT_HOTLINE_HOURS = "07:30-17:00";

/** "07:30-17:00" → { start: 450, end: 1020 }; throws HotlineHoursError on anything else. */
export function parseHotlineHours(text: string): HotlineHours {
  const m = /^\s*([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-3]|24):([0-5]\d)\s*$/.exec(text);
  if (!m) throw new HotlineHoursError(`hotline hours must look like 07:30-17:00, got "${text}"`);
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  if (end <= start || end > 24 * 60) throw new HotlineHoursError("hotline hours end before start");
  return { start, end };
}

export const formatMinutes = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

export interface HotlineStatus {
  open: boolean;
  /** Open: when it closes today. Closed: when it next opens. */
  next: Date;
}

const MINUTE = 60_000;

export function hotlineStatus(now: Date, hours: HotlineHours, calendar: Calendar): HotlineStatus {
  const today = localDate(now);
  const dayStart = startOfLocalDay(today).getTime();
  const minute = (now.getTime() - dayStart) / MINUTE;
  const working = calendar.isWorkingDay(today);
  if (working && minute >= hours.start && minute < hours.end) {
    return { open: true, next: new Date(dayStart + hours.end * MINUTE) };
  }
  const day = working && minute < hours.start ? today : calendar.addWorkingDays(today, 1);
  return { open: false, next: new Date(startOfLocalDay(day).getTime() + hours.start * MINUTE) };
}

/** "08:00 thứ Hai 23/11/2026" (Vietnam time). */
export function formatOpening(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3600_000);
  const days = ["Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"];
  const dd = String(local.getUTCDate()).padStart(2, "0");
  const mm = String(local.getUTCMonth() + 1).padStart(2, "0");
  const hm = formatMinutes(local.getUTCHours() * 60 + local.getUTCMinutes());
  return `${hm} ${days[local.getUTCDay()]} ${dd}/${mm}/${local.getUTCFullYear()}`;
}
