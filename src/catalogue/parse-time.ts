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
const STATES_DURATION = new RegExp(String.raw`\d\s*(?:${UNIT_PATTERN})`, "iu");

/** Whether a text states some duration ("09 ngày làm việc", "24 giờ"), per case or in all. */
export const statesDuration = (text: string): boolean => STATES_DURATION.test(text);
/**
 * Units read from running text. "năm" and "tuần" are left out: in the records they state a
 * validity or a frequency ("có thời hạn 05 năm", "01 năm một lần"), not a processing time.
 */
const INFERABLE_UNITS = "ngày làm việc|ngày|giờ làm việc|giờ|tháng";
const NUMBER = String.raw`\d+(?:[.,]\d+)?`;
const FULL_CELL = new RegExp(
  String.raw`^(${NUMBER})(?:\s*(?:-|–|đến)\s*(${NUMBER}))?\s*(${UNIT_PATTERN})?\.?$`,
  "iu",
);
/** "Không quy định", "Không quy định thời hạn giải quyết": the portal sets no time limit. */
const NOT_REGULATED = /^không quy định\b/iu;
/** A sentence of a description that says no time limit is set. */
const NOT_REGULATED_SENTENCE = /^không quy định\s+(?:về\s+)?thời\s+(?:hạn|gian)/iu;
/**
 * A duration in running text: "15 ngày làm việc", "05 (năm) ngày làm việc", "48 giờ". Dates
 * ("ngày 01 tháng 7 năm 2025", "ngày 20 tháng đầu tiên") are not: no number right after
 * "ngày/tháng/năm", none right after the unit, and none glued to "/" or another number.
 */
const DURATION = String.raw`(?<![\d.,/])(?<!(?:ngày|tháng|năm)\s*)(${NUMBER})(?:\s*\([^()\d]{1,20}\))?\s*(${INFERABLE_UNITS})(?![\p{L}])(?!\s*\d)`;
/** A sentence that speaks of a processing time, not of a validity or a fee. */
const TIME_WORDS = /kể từ|kẻ từ|thời hạn|thời gian|trong vòng|không quá|tối đa|làm việc/iu;
/**
 * A sentence that states the whole time: "Thời hạn giải quyết: 13 ngày làm việc, kể từ …", or
 * "Trong thời hạn 30 ngày, trong đó:" with nothing after the duration. "Trong thời hạn 05 ngày
 * làm việc, kể từ …, Ủy ban nhân dân cấp xã xác minh …" is one agency's step, not the whole.
 */
const TOTAL_TIME = new RegExp(
  String.raw`^(?:thời hạn giải quyết|thời gian giải quyết|thời hạn xử lý|thời gian xử lý|tổng thời gian|thời hạn\s*:|thời gian\s*:)|^trong (?:thời hạn|vòng)\s*${NUMBER}(?:\s*\([^()\d]{1,20}\))?\s*(?:${INFERABLE_UNITS})(?:\s*,?\s*trong đó)?\s*[:.]?$`,
  "iu",
);
/** A sentence about one case ("Trường hợp …", "Đối với trường hợp …", "Nếu …"). */
const CASE_SENTENCE = /^(?:trường hợp|đối với|nếu)\b/iu;

function unitOf(word: string): { unit: string; workingDays: boolean } {
  const lower = word.toLowerCase();
  const found = UNITS.find((u) => u.pattern === lower);
  return found
    ? { unit: found.unit, workingDays: found.workingDays }
    : { unit: lower, workingDays: false };
}

/** The time of a cell or sentence that says "Không quy định": no limit is set. */
export function notRegulatedTime(text: string): MethodTime {
  return { amount: 0, unit: "", workingDays: false, text, notRegulated: true };
}

/** Every duration stated in `text`, in order, e.g. "02 ngày làm việc … 45 ngày" → two. */
export function durationsIn(
  text: string,
): Array<{ amount: number; unit: string; workingDays: boolean }> {
  const found: Array<{ amount: number; unit: string; workingDays: boolean }> = [];
  for (const m of text.matchAll(new RegExp(DURATION, "giu"))) {
    const amount = parseDecimal(m[1] ?? "");
    if (Number.isFinite(amount)) found.push({ amount, ...unitOf(m[2] ?? "") });
  }
  return found;
}

/**
 * A time cell written as a sentence ("Chậm nhất là ngay trước khi tàu rời cảng", "Trong thời hạn
 * 15 ngày làm việc kể từ …"): the sentence is the time. Amount and unit come from it only when
 * it states exactly one duration; otherwise amount 0 and unit "" (nothing is invented).
 */
export function timeFromSentence(sentence: string): MethodTime {
  const text = sentence.trim();
  const distinct = new Map(
    durationsIn(text).map((d) => [`${d.amount}|${d.unit}|${d.workingDays}`, d]),
  );
  const only = distinct.size === 1 ? [...distinct.values()][0] : undefined;
  return only ? { ...only, text } : { amount: 0, unit: "", workingDays: false, text };
}

/**
 * Parses a whole time cell:
 * - "30 Ngày làm việc", "0,5 Ngày", "1.5 Giờ", "24 Giờ"; "10-25" is a range (the upper bound is
 *   kept, the text shows the range);
 * - "7": the unit was lost; unit "" and `unitless` (resolveUnitless() may find the unit);
 * - "Không quy định": no time limit is set (`notRegulated`);
 * - any other sentence: kept as the time's text (see timeFromSentence);
 * - "" and "Không có thông tin": null.
 */
export function parseTimeCell(cell: string): TimeCell | null {
  const text = cleanCell(cell);
  if (text === "") return null;
  if (NOT_REGULATED.test(text)) return { time: notRegulatedTime(text), unitless: false };
  const m = FULL_CELL.exec(text);
  if (!m) return { time: timeFromSentence(text), unitless: false };
  const amount = parseDecimal(m[2] ?? m[1] ?? "");
  if (!Number.isFinite(amount)) return null;
  if (m[3] === undefined) {
    return { time: { amount, unit: "", workingDays: false, text }, unitless: true };
  }
  return { time: { amount, ...unitOf(m[3]), text }, unitless: false };
}

/**
 * Sentences of a description, each trimmed of its list marker ("- ", "+ ", "* ") and trailing
 * ";": split at line breaks, at ". " or "; " before a new item ("- ", "b) ") or a capital, and
 * at " - " items.
 */
export function sentencesOf(text: string): string[] {
  return text
    .split(
      /\n|(?<=[.;])\s+(?=[-+*•]\s*\S|\p{Lu}|[a-zđ]\)\s)|(?<=[.;])(?=[-+*•]\s)|\s+(?=[-+*•]\s+\p{Lu})/u,
    )
    .map((s) =>
      s
        .replace(/^[\s\-+*•]+/u, "")
        .replace(/[\s;]+$/u, "")
        .trim(),
    )
    .filter((s) => s !== "");
}

/**
 * The time a method's description states when its time cell is empty: the one sentence that
 * gives a processing time ("15 ngày làm việc kể từ ngày nhận được hồ sơ đầy đủ"), or among
 * several the one sentence that states the whole time ("Trong thời hạn 30 ngày, trong đó:").
 * A breakdown with no total (one sentence per agency) gives null. "Không quy định về thời hạn
 * giải quyết, phí, lệ phí" gives a time that is not regulated.
 */
export function timeFromDescription(description: string): MethodTime | null {
  const sentences = sentencesOf(description);
  const notRegulated = sentences.find((s) => NOT_REGULATED_SENTENCE.test(s));
  if (notRegulated) return notRegulatedTime(notRegulated);
  const stating = sentences.filter((s) => TIME_WORDS.test(s) && durationsIn(s).length > 0);
  const totals = stating.filter((s) => TOTAL_TIME.test(s));
  // A case's own time ("Trường hợp tàu … lưu lại tại cảng quá 24 giờ …") is not the method's; a
  // sentence that lists the cases with their times is ("… 08 ngày …; trường hợp cấp lại … 05 ngày").
  const [single] = stating;
  const oneCase =
    single !== undefined && durationsIn(single).length === 1 && CASE_SENTENCE.test(single);
  const chosen =
    stating.length === 1 && !oneCase ? single : totals.length === 1 ? totals[0] : undefined;
  return chosen === undefined ? null : timeFromSentence(chosen);
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
 * 1. the other channels of the same procedure that state the same amount agree on one unit;
 * 2. the procedure's own text (method descriptions, steps) states that amount with one unit;
 * 3. otherwise the unit stays "" and `text` keeps the bare number as the portal wrote it: the
 *    record does not say whether "1" means days, working days or hours, so none is invented.
 */
export function resolveUnitless(
  cells: ReadonlyArray<TimeCell | null>,
  context: string,
): Array<MethodTime | null> {
  return cells.map((cell) => {
    if (!cell) return null;
    if (!cell.unitless) return cell.time;
    const siblings = new Map<string, { unit: string; workingDays: boolean }>();
    for (const c of cells) {
      if (c && !c.unitless && !c.time.notRegulated && c.time.unit !== "") {
        if (c.time.amount === cell.time.amount) {
          siblings.set(`${c.time.unit}|${c.time.workingDays}`, {
            unit: c.time.unit,
            workingDays: c.time.workingDays,
          });
        }
      }
    }
    const sibling = siblings.size === 1 ? [...siblings.values()][0] : undefined;
    if (sibling) return { ...cell.time, ...sibling };
    const fromText = unitFromText(cell.time.amount, context);
    return fromText ? { ...cell.time, ...fromText } : cell.time;
  });
}
