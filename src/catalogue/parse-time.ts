import type { SubmissionMethod } from "./types.ts";
import { cleanCell, parseDecimal } from "./cells.ts";

export type MethodTime = NonNullable<SubmissionMethod["time"]>;

/** A parsed time cell; `unitless` when the portal lost the unit ("Trực tuyến1Miễn phí"). */
export interface TimeCell {
  time: MethodTime;
  unitless: boolean;
}

const UNITS: ReadonlyArray<{ pattern: string; unit: string; workingDays: boolean }> = [
  { pattern: "ngày làm việc", unit: "ngày", workingDays: true },
  { pattern: "ngày", unit: "ngày", workingDays: false },
  { pattern: "giờ làm việc", unit: "giờ", workingDays: true },
  { pattern: "giờ", unit: "giờ", workingDays: false },
  { pattern: "tháng", unit: "tháng", workingDays: false },
  { pattern: "tuần", unit: "tuần", workingDays: false },
  { pattern: "năm", unit: "năm", workingDays: false },
  { pattern: "phút", unit: "phút", workingDays: false },
];

/** Alternation of the unit words, longest first ("ngày làm việc" before "ngày"). */
export const UNIT_PATTERN = UNITS.map((u) => u.pattern).join("|");
const INFERABLE_UNITS = "ngày làm việc|ngày|giờ làm việc|giờ|tháng";
const NUMBER = String.raw`\d+(?:[.,]\d+)?`;
const FULL_CELL = new RegExp(
  String.raw`^(${NUMBER})(?:\s*(?:-|–|đến)\s*(${NUMBER}))?\s*(${UNIT_PATTERN})?\.?$`,
  "iu",
);

function unitOf(word: string): { unit: string; workingDays: boolean } {
  const lower = word.toLowerCase();
  const found = UNITS.find((u) => u.pattern === lower);
  return found
    ? { unit: found.unit, workingDays: found.workingDays }
    : { unit: lower, workingDays: false };
}

/**
 * Parses a whole time cell: "30 Ngày làm việc", "0,5 Ngày", "1.5 Giờ", "24 Giờ", "7" (unit lost),
 * "10-25" (a range: the upper bound is kept, the cell text shows the range). Anything else —
 * "Không có thông tin", "Không quy định", a sentence — gives null.
 */
export function parseTimeCell(cell: string): TimeCell | null {
  const text = cleanCell(cell);
  const m = FULL_CELL.exec(text);
  if (!m) return null;
  const amount = parseDecimal(m[2] ?? m[1] ?? "");
  if (!Number.isFinite(amount)) return null;
  if (m[3] === undefined) {
    // The unit was lost. Placeholder unit "ngày", calendar days; resolveUnitless() may do better.
    return { time: { amount, unit: "ngày", workingDays: false, text }, unitless: true };
  }
  return { time: { amount, ...unitOf(m[3]), text }, unitless: false };
}

function escapeAmount(amount: number): string {
  // 1 → "0*1", 0.5 → "0*0[.,]5"
  const [int = "0", frac] = String(amount).split(".");
  return `0*${int}` + (frac === undefined ? "" : `[.,]${frac}`);
}

/**
 * Finds the unit the record's own text gives for `amount` ("… trong thời hạn 03 ngày làm việc …",
 * "05 (năm) ngày làm việc"). Returns it only when every mention of that amount agrees.
 */
export function unitFromText(
  amount: number,
  text: string,
): { unit: string; workingDays: boolean } | null {
  // Dates ("ngày 01 tháng 7 năm 2025") and frequencies ("01 năm một lần") are not durations:
  // no number after "ngày/tháng/năm", none right after the unit, and no years.
  const re = new RegExp(
    String.raw`(?<![\d.,/])(?<!(?:ngày|tháng|năm)\s*)${escapeAmount(amount)}(?:\s*\([^()\d]{1,20}\))?\s*(${INFERABLE_UNITS})(?![\p{L}])(?!\s*\d)`,
    "giu",
  );
  const found = new Map<string, { unit: string; workingDays: boolean }>();
  for (const m of text.matchAll(re)) {
    const u = unitOf(m[1] ?? "");
    found.set(`${u.unit}|${u.workingDays}`, u);
  }
  return found.size === 1 ? ([...found.values()][0] ?? null) : null;
}

/**
 * Gives unitless times a unit, in this order of evidence:
 * 1. another channel of the same procedure states the same amount with a unit;
 * 2. the procedure's own text (method descriptions, steps) states that amount with one unit;
 * 3. otherwise the unit stays "ngày" with workingDays false and `text` keeps the bare number as
 *    the portal wrote it, so a reader can see that the unit was not given. We do not guess
 *    working days: the portal uses both "Ngày" and "Ngày làm việc".
 */
export function resolveUnitless(
  cells: ReadonlyArray<TimeCell | null>,
  context: string,
): Array<MethodTime | null> {
  return cells.map((cell) => {
    if (!cell) return null;
    if (!cell.unitless) return cell.time;
    const sibling = cells.find((c) => c && !c.unitless && c.time.amount === cell.time.amount);
    if (sibling) {
      return { ...cell.time, unit: sibling.time.unit, workingDays: sibling.time.workingDays };
    }
    const fromText = unitFromText(cell.time.amount, context);
    return fromText ? { ...cell.time, ...fromText } : cell.time;
  });
}
