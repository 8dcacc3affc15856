/**
 * Facts that can be checked in a free-text answer: money amounts, time limits, procedure codes,
 * URLs and the documents it names. Pure functions over folded text (no accents, đ→d, lower
 * case), so "50.000 đồng", "50000đ", "50 nghìn" and "50,000 VNĐ" are all 50000.
 */
import { foldAccents, normalizeText } from "../text/index.ts";

/** Folded, NFC, one space: the form every extractor reads. */
export function fold(text: string): string {
  return foldAccents(normalizeText(text)).replace(/\s+/g, " ");
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"'()“”]+/g;

/** Folded, without URLs (whose hex ids look like "746d" otherwise). */
function foldedFacts(text: string): string {
  return fold(text.replace(URL_IN_TEXT, " "));
}

const NUM = String.raw`\d+(?:[.,]\d+)*`;

/**
 * "50.000" and "50,000" → 50000 (groups of three digits); "1,5" and "2.5" → decimals;
 * "1.234,5" → 1234.5. NaN when it makes no sense.
 */
export function parseNumber(token: string): number {
  if (/^\d+$/.test(token)) return Number(token);
  if (/^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$/.test(token)) return Number(token.replace(/[.,]/g, ""));
  const last = Math.max(token.lastIndexOf("."), token.lastIndexOf(","));
  const int = token.slice(0, last).replace(/[.,]/g, "");
  const frac = token.slice(last + 1);
  return Number(`${int}.${frac}`);
}

const MULTIPLIERS: Record<string, number> = {
  nghin: 1e3,
  ngan: 1e3,
  k: 1e3,
  trieu: 1e6,
  ty: 1e9,
  ti: 1e9,
};

/** Joins the two ends of a range: "3 - 5", "từ 3 đến 5". */
const RANGE = String.raw`\s*(?:-|–|den|toi)\s*`;

/**
 * A number (or a range) followed by a multiplier and/or a currency word; at least one of the
 * two. In "50.000 - 100.000 đồng" both ends are amounts.
 */
const MONEY = new RegExp(
  String.raw`(?<![\p{L}\p{N}.,])(${NUM})(?:${RANGE}(${NUM}))?\s*(?:(nghin|ngan|trieu|ty|ti|k)(?![\p{L}\p{N}]))?\s*(?:(dong|vnd|d)(?![\p{L}\p{N}]))?`,
  "gu",
);

/** Money amounts in VND, rounded to the đồng. */
export function moneyAmounts(text: string): number[] {
  const out: number[] = [];
  for (const m of foldedFacts(text).matchAll(MONEY)) {
    const [, a = "", b, mult, currency] = m;
    if (!mult && !currency) continue;
    for (const token of b ? [a, b] : [a]) {
      const value = parseNumber(token) * (mult ? (MULTIPLIERS[mult] ?? 1) : 1);
      if (Number.isFinite(value)) out.push(Math.round(value));
    }
  }
  return out;
}

export type TimeUnit = "ngay" | "gio" | "thang" | "nam" | "tuan" | "phut";

export interface TimeLimit {
  amount: number;
  unit: TimeUnit;
  /** "… làm việc" */
  working: boolean;
}

/** Dates read as durations otherwise ("ngày 15 tháng 3 năm 2020", "02/11/2010"). */
const DATES = [
  /ngay\s+\d{1,2}\s+thang\s+\d{1,2}(?:\s+nam\s+\d{2,4})?/g,
  /thang\s+\d{1,2}\s+nam\s+\d{2,4}/g,
  /\d{1,2}\/\d{1,2}(?:\/\d{2,4})?/g,
  /\d{1,2}-\d{1,2}-\d{4}/g,
];

const TIME = new RegExp(
  String.raw`(?<![\p{L}\p{N}.,])(${NUM})(?:${RANGE}(${NUM}))?\s*(ngay|gio|thang|nam|tuan|phut)(?![\p{L}\p{N}])(\s+lam\s+viec)?`,
  "gu",
);

/** Time limits: "5 ngày làm việc", "24 giờ", "3 – 5 tháng" (both ends). */
export function timeLimits(text: string): TimeLimit[] {
  let folded = foldedFacts(text);
  for (const re of DATES) folded = folded.replace(re, " ");
  const out: TimeLimit[] = [];
  for (const m of folded.matchAll(TIME)) {
    const [, a = "", b, unit = "", working] = m;
    for (const token of b ? [a, b] : [a]) {
      const amount = parseNumber(token);
      if (Number.isFinite(amount)) out.push({ amount, unit: unit as TimeUnit, working: !!working });
    }
  }
  return out;
}

/** "5 ngay": one time limit, for sets. */
export const timeKey = (t: { amount: number; unit: string }) => `${t.amount} ${t.unit}`;

const CODE = /(?<![\d.])(\d\.\d{6})(?![\d])/g;

/** Procedure codes ("1.001193") written in the text. */
export function procedureCodes(text: string): string[] {
  return [...new Set([...text.matchAll(CODE)].map((m) => m[1] ?? ""))];
}

/** URLs, without trailing punctuation. */
export function urls(text: string): string[] {
  return [...text.matchAll(URL_IN_TEXT)].map((m) => m[0].replace(/[.,;:!?…"'”’»]+$/, ""));
}

/** "miễn phí", "không mất phí", "không thu phí"… */
const FREE_CLAIM =
  /(?<![\p{L}])(?:mien (?:phi|le phi)|khong (?:mat|thu|phai (?:nop|tra)|co|ton) (?:phi|le phi|tien))(?![\p{L}])/u;

export function claimsFree(text: string): boolean {
  return FREE_CLAIM.test(fold(text));
}

/** How a named document begins (folded). Generic words ("giấy tờ", "hồ sơ") are not heads. */
const DOCUMENT_HEADS = [
  "to khai",
  "don",
  "giay chung nhan",
  "giay chung sinh",
  "giay khai sinh",
  "giay phep",
  "giay xac nhan",
  "giay de nghi",
  "giay uy quyen",
  "giay bao",
  "giay gioi thieu",
  "giay to chung minh",
  "giay to tuy than",
  "ban sao",
  "ban chinh",
  "ban chup",
  "ban ve",
  "ban khai",
  "ban ke khai",
  "ban tu khai",
  "ban dang ky",
  "ban thuyet minh",
  "ban tom tat",
  "ban goc",
  "ban cam ket",
  "so ho khau",
  "so ho tich",
  "so do",
  "so hong",
  "chung minh nhan dan",
  "can cuoc",
  "the can cuoc",
  "the bao hiem",
  "ho chieu",
  "van ban",
  "quyet dinh",
  "hop dong",
  "bien ban",
  "phieu",
  "anh chan dung",
  "anh mau",
  "bao cao",
  "chung chi",
  "chung tu",
  "trich luc",
  "bang tot nghiep",
  "bang lai",
  "hoa don",
  "danh sach",
  "ke hoach",
  "phuong an",
  "du an",
  "thuyet minh",
  "dieu le",
  "tai lieu",
  "ly lich",
  "so yeu ly lich",
  "giay",
];

const BULLET = /^\s*(?:[-–—•*+·]|\(?\d{1,2}[.)]|\(?[a-zđ][.)])\s+/u;
const MAX_MENTION_SYLLABLES = 14;

/**
 * The documents an answer names: list items, and the parts of a "label: a; b; c" line, that
 * begin like a document ("Tờ khai…", "Bản sao…", "Giấy chứng nhận…"). Folded, without the
 * quantity ("01 bản chính") or a parenthesis, at most 14 syllables.
 */
export function documentMentions(text: string): string[] {
  const out: string[] = [];
  for (const rawLine of normalizeText(text).split("\n")) {
    const isItem = BULLET.test(rawLine);
    const line = rawLine.replace(BULLET, "");
    const colon = line.indexOf(":");
    // In "Hồ sơ gồm: a; b" the label is not a document; the parts after it are listed ones.
    const listed = colon >= 0 ? line.slice(colon + 1) : isItem ? line : "";
    const parts = colon >= 0 || isItem ? listed.split(/;/) : [];
    for (const part of parts) {
      const mention = fold(part)
        .replace(BULLET, "")
        .replace(/\([^)]*\)/g, " ")
        .replace(/\(.*$/, "")
        .replace(/\s+/g, " ")
        .trim()
        .replace(/^(?:\d+|mot|hai|ba|01|02|03)\s+(?:ban|bo|to)\s+(?:chinh|sao|chup)?\s*/, "")
        .replace(/[.,;:!?…\s]+$/, "")
        .trim();
      const words = mention.split(" ").filter(Boolean);
      if (words.length < 2) continue;
      const head = DOCUMENT_HEADS.find((h) => mention === h || mention.startsWith(`${h} `));
      if (!head) continue;
      out.push(words.slice(0, MAX_MENTION_SYLLABLES).join(" "));
    }
  }
  return [...new Set(out)];
}

/** Words that say nothing about which document it is. */
const NEUTRAL = new Set(
  "ban sao chinh chup cua va hoac theo mau so bo to voi cho nguoi co duoc la de trong tai cac nhung mot hai ba"
    .split(" ")
    .concat(["01", "02", "03", "1", "2", "3"]),
);

/** Distinct folded syllables of a text, without neutral words. */
export function contentSyllables(text: string): Set<string> {
  return new Set(
    fold(text)
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 0 && !NEUTRAL.has(w)),
  );
}

/** Distinct pairs of consecutive folded syllables ("giay chung", "chung sinh"). */
export function syllableBigrams(text: string): Set<string> {
  const words = fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
  const out = new Set<string>();
  for (let i = 0; i + 1 < words.length; i++) out.add(`${words[i]} ${words[i + 1]}`);
  return out;
}

/** Share of `mention`'s items that `target` holds (1 when it has none). */
export function containment(mention: ReadonlySet<string>, target: ReadonlySet<string>): number {
  if (mention.size === 0) return 1;
  let hit = 0;
  for (const w of mention) if (target.has(w)) hit++;
  return hit / mention.size;
}
