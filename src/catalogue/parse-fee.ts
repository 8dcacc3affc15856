import type { SubmissionMethod } from "./types.ts";
import { cleanCell } from "./cells.ts";
import { EXEMPTION, findReductions } from "./parse-reductions.ts";

export type MethodFee = NonNullable<SubmissionMethod["fee"]>;

const GROUPED = String.raw`\d{1,3}(?:[.,]\d{3})+`;
const PLAIN = String.raw`\d+`;
/** "50.000 Đồng", "2,000,000 Việt Nam Đồng", "70,000 VNĐ", "400.000đ", "15000000/lần Đồng". */
const VND_WITH_CURRENCY = new RegExp(
  String.raw`(?<![\d.,/])(${GROUPED}|${PLAIN})\s*(?:\/\s*[^\s\d()/]+\s*)?(?:việt nam đồng|vnđ|vnd|đồng(?!\s+thời)|đ(?![\p{L}]))`,
  "giu",
);
/** "8.000.000/lần": a grouped amount per unit, without a currency word. */
const VND_PER_UNIT = new RegExp(String.raw`(?<![\d.,/])(\d{1,3}(?:\.\d{3})+)\s*\/\s*(?!\d)`, "gu");
/** "01 triệu đồng/lần cấp", "500 nghìn đồng": amounts written with a word for the thousands. */
const VND_IN_WORDS = new RegExp(
  String.raw`(?<![\d.,/])(\d+(?:[.,]\d+)?)\s*(triệu|nghìn|ngàn)\s*(?:đồng|vnđ|vnd)`,
  "giu",
);
const FOREIGN = /\d\s*(?:USD|EUR|đô la)/iu;
/** "Miễn phí", "Không thu phí", "Phí : Không Đồng", "Phí : 0 Đồng" (also the typo "o Đồng"). */
const FREE_WORDS =
  /^(?:miễn phí|miễn lệ phí|miễn thu|không thu|không phải nộp)|(?:^|\n)\s*(?:lệ phí|phí)\s*:\s*(?:không|o|0)\s*đồng/iu;
/** "Không quy định phí, lệ phí", "Không quy định về thời hạn giải quyết, phí, lệ phí". */
const NOT_REGULATED =
  /^(?:(?:lệ phí|phí)\s*:\s*)?không quy định\b(?:[^.\n]{0,50}\b(?:phí|lệ phí))?/iu;
/** The amount the cell's head shows: "100 VNĐ (…)", "Lệ phí : 50.000 Đồng (…)". */
const HEAD_AMOUNT = new RegExp(
  String.raw`^(?:(?:lệ phí|phí)\s*:\s*)?(${GROUPED}|${PLAIN})\s*(?:việt nam đồng|vnđ|vnd|đồng)`,
  "iu",
);

function toNumber(digits: string): number {
  return /^\d{1,3}(?:[.,]\d{3})+$/.test(digits)
    ? Number(digits.replace(/[.,]/g, ""))
    : Number(digits);
}

/** Every VND amount the text states explicitly with its position, in order. */
function vndAmountsAt(text: string): Array<{ at: number; value: number }> {
  const found: Array<{ at: number; value: number }> = [];
  for (const m of text.matchAll(VND_WITH_CURRENCY)) {
    found.push({ at: m.index, value: toNumber(m[1] ?? "") });
  }
  for (const m of text.matchAll(VND_PER_UNIT)) {
    if (!found.some((f) => f.at === m.index))
      found.push({ at: m.index, value: toNumber(m[1] ?? "") });
  }
  for (const m of text.matchAll(VND_IN_WORDS)) {
    const scale = m[2]?.toLowerCase() === "triệu" ? 1_000_000 : 1_000;
    const value = Math.round(Number((m[1] ?? "").replace(",", ".")) * scale);
    if (!found.some((f) => f.at === m.index)) found.push({ at: m.index, value });
  }
  return found.sort((a, b) => a.at - b.at).filter((f) => Number.isFinite(f.value));
}

/** Every VND amount the text states explicitly, in order (duplicates kept). */
export function vndAmounts(text: string): number[] {
  return vndAmountsAt(text).map((f) => f.value);
}

/**
 * The amounts of the standard level: those outside the sentences that state a temporary level.
 * A head that is a truncated figure ("100 VNĐ (100.000 đồng/lần.)": head × 1000 is the note's
 * amount, or any head under 1,000 VNĐ) gives way to the one amount its note states.
 */
function standardAmounts(
  text: string,
  temporary: ReadonlyArray<{ start: number; end: number }>,
  headUncertain: boolean,
): number[] {
  const outside = vndAmountsAt(text).filter(
    (a) => !temporary.some((t) => a.at >= t.start && a.at < t.end),
  );
  const head = HEAD_AMOUNT.exec(text);
  if (!head) return outside.map((a) => a.value);
  if (headUncertain) return outside.filter((a) => a.at >= head[0].length).map((a) => a.value);
  const headValue = toNumber(head[1] ?? "");
  const note = [...new Set(outside.filter((a) => a.at >= head[0].length).map((a) => a.value))];
  const noteValue = note.length === 1 ? note[0] : undefined;
  if (
    noteValue !== undefined &&
    noteValue !== headValue &&
    (headValue * 1000 === noteValue || headValue < 1000)
  ) {
    return [noteValue];
  }
  return outside.map((a) => a.value);
}

/**
 * Reads a fee cell: the head the portal shows ("Miễn phí", "50,000 Việt Nam Đồng",
 * "Phí : 0 Đồng", "Không có thông tin") followed by its note in brackets. The text is kept whole.
 *
 * - Nothing usable (empty, "Không có thông tin", "Phí : Đồng") → null.
 * - "Không quy định phí, lệ phí" → `notRegulated`, not free.
 * - `free` is true when the cell says free ("Miễn phí", "Phí : 0 Đồng", "Phí : Không Đồng") and
 *   states no positive amount: "Miễn phí (- Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần…)"
 *   is not free. A note that only cites a fee circular does not make it paid.
 * - `reductions`: the note's sentences that state a temporary level with an end date.
 * - `amountVnd` is set only when exactly one distinct VND amount is stated for the standard
 *   level (amounts of temporary levels left aside, a truncated head replaced by its note);
 *   two different figures ("50.000 … 120.000 đồng") give none, and so do amounts under
 *   1,000 VNĐ and cells that also quote dollars. `headUncertain`: the head's digits are not
 *   clearly the fee's (they ran into the time's), so only the note's amounts count.
 */
export function parseFee(
  cell: string,
  { headUncertain = false }: { headUncertain?: boolean } = {},
): MethodFee | null {
  const text = cleanCell(cell);
  if (text === "") return null;
  if (NOT_REGULATED.test(text)) return { text, free: false, notRegulated: true };
  const distinct = [...new Set(vndAmounts(text))];
  const positive = distinct.filter((a) => a > 0);
  const foreign = FOREIGN.test(text);
  const saysFree = FREE_WORDS.test(text);
  const fee: MethodFee = {
    text,
    free: positive.length === 0 && !foreign && (saysFree || distinct.length === 1),
  };
  const temporary = findReductions(text);
  // Only a sentence that states one temporary amount ("áp dụng mức phí 25.000 đồng/hồ sơ kể từ
  // … đến hết …") holds that amount aside; one that names several, or a temporary exemption
  // ("Phí: 1700000 Đồng (Sát hạch thực hành) Miễn phí từ ngày …"), states standard amounts too.
  const temporaryAmounts = temporary.filter((t) => {
    const sentence = text.slice(t.start, t.end);
    return new Set(vndAmounts(sentence)).size === 1 && !EXEMPTION.test(sentence);
  });
  const standard = [...new Set(standardAmounts(text, temporaryAmounts, headUncertain))];
  // A head below 1,000 VNĐ is a placeholder ("1 Việt Nam Đồng") or a figure in thousands or
  // in dollars ("155 VNĐ (… 155 USD/thẻ)"), not a clearly stated amount.
  const only = standard.length === 1 ? standard[0] : undefined;
  if (only !== undefined && !foreign && (only === 0 || only >= 1000)) fee.amountVnd = only;
  if (temporary.length > 0) fee.reductions = temporary.map((t) => t.reduction);
  const meaningful = /\p{L}{2,}/u.test(text.replace(/(?:lệ phí|phí)\s*:|đồng|vnđ/giu, ""));
  if (!meaningful && distinct.length === 0) return null;
  return fee;
}

/**
 * The line of a description that says no fee is set ("- Không quy định về phí, lệ phí",
 * "Không quy định thời hạn giải quyết, phí, lệ phí"), as a fee; null when there is none.
 */
export function notRegulatedFeeLine(description: string): MethodFee | null {
  for (const line of description.split("\n")) {
    const text = line.replace(/^[\s\-+*•]+/u, "").trim();
    const m = NOT_REGULATED.exec(text);
    if (m && /phí/iu.test(m[0])) return { text, free: false, notRegulated: true };
  }
  return null;
}
