import type { SubmissionMethod } from "./types.ts";
import { cleanCell } from "./cells.ts";

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
const FOREIGN = /\d\s*(?:USD|EUR|đô la)/iu;
/** "Miễn phí", "Không thu phí", "Phí : Không Đồng", "Phí : 0 Đồng" (also the typo "o Đồng"). */
const FREE_WORDS =
  /^(?:miễn phí|miễn lệ phí|miễn thu|không thu|không phải nộp)|(?:^|\n)\s*(?:lệ phí|phí)\s*:\s*(?:không|o|0)\s*đồng/iu;

function toNumber(digits: string): number {
  return /^\d{1,3}(?:[.,]\d{3})+$/.test(digits)
    ? Number(digits.replace(/[.,]/g, ""))
    : Number(digits);
}

/** Every VND amount the text states explicitly, in order (duplicates kept). */
export function vndAmounts(text: string): number[] {
  const found: Array<{ at: number; value: number }> = [];
  for (const m of text.matchAll(VND_WITH_CURRENCY)) {
    found.push({ at: m.index, value: toNumber(m[1] ?? "") });
  }
  for (const m of text.matchAll(VND_PER_UNIT)) {
    if (!found.some((f) => f.at === m.index))
      found.push({ at: m.index, value: toNumber(m[1] ?? "") });
  }
  return found
    .sort((a, b) => a.at - b.at)
    .map((f) => f.value)
    .filter((v) => Number.isFinite(v));
}

/**
 * Reads a fee cell: the head the portal shows ("Miễn phí", "50,000 Việt Nam Đồng",
 * "Phí : 0 Đồng", "Không có thông tin") followed by its note in brackets.
 *
 * - Nothing usable (empty, "Không có thông tin", "Phí : Đồng") → null.
 * - `free` is true when the cell says free ("Miễn phí", "Phí : 0 Đồng", "Phí : Không Đồng") and
 *   states no positive amount. A note that only cites a fee circular does not make it paid.
 * - `amountVnd` is set only when exactly one distinct VND amount is stated in the whole cell;
 *   two different figures ("20 VNĐ (20.000 vnđ/tờ khai)", "50.000 … 120.000 đồng") give none,
 *   and so do amounts under 1,000 VNĐ and cells that also quote dollars.
 */
export function parseFee(cell: string): MethodFee | null {
  const text = cleanCell(cell);
  if (text === "") return null;
  const amounts = vndAmounts(text);
  const distinct = [...new Set(amounts)];
  const positive = distinct.filter((a) => a > 0);
  const foreign = FOREIGN.test(text);
  const saysFree = FREE_WORDS.test(text);
  const fee: MethodFee = {
    text,
    free: positive.length === 0 && !foreign && (saysFree || distinct.length === 1),
  };
  // A head below 1,000 VNĐ is a placeholder ("1 Việt Nam Đồng") or a figure in thousands or
  // in dollars ("155 VNĐ (… 155 USD/thẻ)"), not a clearly stated amount.
  const only = distinct.length === 1 ? distinct[0] : undefined;
  if (only !== undefined && !foreign && (only === 0 || only >= 1000)) fee.amountVnd = only;
  const meaningful = /\p{L}{2,}/u.test(text.replace(/(?:lệ phí|phí)\s*:|đồng|vnđ/giu, ""));
  if (!meaningful && distinct.length === 0) return null;
  return fee;
}
