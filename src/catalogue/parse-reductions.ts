import type { SubmissionMethod } from "./types.ts";

export type FeeReduction = NonNullable<NonNullable<SubmissionMethod["fee"]>["reductions"]>[number];

/** A reduction sentence and where it lies in the fee text. */
export interface ReductionSpan {
  reduction: FeeReduction;
  start: number;
  end: number;
}

/** "01/7/2025", "1-7-2025" or "01 tháng 7 năm 2025". */
const DATE = String.raw`(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})|(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})`;
/** "… đến hết ngày 31/12/2026", "đến ngày 31 tháng 12 năm 2026", "đến 30/6/2026". */
const UNTIL = new RegExp(String.raw`(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?(?:${DATE})`, "iu");
/** "(kể) từ ngày 01/7/2025", "áp dụng từ kể từ ngày 01 tháng 7 năm 2025". */
const FROM = new RegExp(String.raw`từ\s+(?:ngày\s+)?(?:${DATE})`, "iu");
/** A fee head followed by its note: "Miễn phí (", "70,000 Việt Nam Đồng ((", "Phí : 0 Đồng (". */
const NOTE_HEAD =
  /^(?:miễn phí|[\d.,]+\s*(?:việt nam đồng|vnđ|vnd|đồng|usd)|(?:lệ phí|phí)\s*:[^()]*)\s*\(+/iu;
/** The sentence states a fee level: an amount, a percentage or the words of a fee rate. */
const LEVEL = /\d\s*%|\d\s*(?:đồng|đ(?![\p{L}])|vnđ)|triệu|mức\s+(?:thu|phí|lệ phí)|phí|miễn/iu;

function isoDate(m: RegExpExecArray): string | undefined {
  const day = Number(m[1] ?? m[4]);
  const month = Number(m[2] ?? m[5]);
  const year = Number(m[3] ?? m[6]);
  if (!(day >= 1 && day <= 31 && month >= 1 && month <= 12 && year >= 1990 && year <= 2100)) {
    return undefined;
  }
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** After ". " or "; ": a list item or a capital starts the next sentence. */
const NEXT_ITEM = /\s+(?:[-+*•]\s*\S|\p{Lu})/uy;
const ANY_TEXT = /\s*\S/uy;
/** " - Trường hợp …": a list item. */
const LIST_ITEM = /[-+*•]\s+\p{Lu}/uy;

/** Whether the sticky `pattern` matches `text` at `at`. */
function follows(pattern: RegExp, text: string, at: number): boolean {
  pattern.lastIndex = at;
  return pattern.test(text);
}

/**
 * Splits a fee text into sentences at its top level: at ". " and "; " before the next item, and
 * at " - " / " * " items, but never inside brackets, so "25.000đ/tem (áp dụng đến hết ngày
 * 31/12/2026 theo Thông tư …)" stays one sentence. The note's own wrapping brackets ("Miễn phí
 * (…)") do not count as a level.
 */
function sentenceSpans(text: string): Array<{ start: number; end: number }> {
  // Depth at which the note's sentences lie: 1 inside "Head (…)", 2 inside "Head ((…))".
  const head = NOTE_HEAD.exec(text)?.[0] ?? "";
  const base = (head.match(/\(/gu) ?? []).length;
  const spans: Array<{ start: number; end: number }> = [];
  let depth = 0;
  let start = 0;
  const cut = (at: number, next: number) => {
    spans.push({ start, end: at });
    start = next;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "(") {
      depth++;
      if (depth <= base) start = i + 1;
      continue;
    }
    if (ch === ")") {
      if (depth <= base) cut(i, i + 1);
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth > base) continue;
    if ((ch === "." || ch === ";") && follows(NEXT_ITEM, text, i + 1)) cut(i + 1, i + 1);
    else if (ch === ";" && follows(ANY_TEXT, text, i + 1)) cut(i + 1, i + 1);
    else if (/\s/u.test(ch ?? "") && follows(LIST_ITEM, text, i + 1)) cut(i, i + 1);
  }
  spans.push({ start, end: text.length });
  return spans;
}

/**
 * A temporary exemption: "Miễn phí từ ngày …", "Miễn lệ phí kể từ ngày …", "Miễn kể từ ngày …",
 * also as the portal misspells it ("Miễ phí", "Miễnphí").
 */
export const EXEMPTION = /miễ\S*\s*(?:thu\s+)?(?:(?:lệ\s*)?phí\s+)?(?:kể\s+)?từ\s+(?:ngày\s+)?\d/iu;

/**
 * The part of a sentence, before `at` (its end date), that states a temporary exemption on its
 * own: "Phí: 1700000 Đồng (Sát hạch thực hành) (Miễn phí từ ngày 07/4/2026 đến 30/6/2026 …)" →
 * "Miễn phí từ ngày …", not the standard amounts before it. A bracketed group ends with its
 * bracket, a clause with the sentence.
 */
function exemptionPart(
  text: string,
  start: number,
  end: number,
  at: number,
): { start: number; end: number } | null {
  const open: number[] = [];
  for (let i = start; i < at; i++) {
    if (text[i] === "(") open.push(i);
    else if (text[i] === ")") open.pop();
  }
  for (let k = open.length - 1; k >= 0; k--) {
    const from = (open[k] ?? 0) + 1;
    const lead = /^\s*/u.exec(text.slice(from))?.[0].length ?? 0;
    if (EXEMPTION.exec(text.slice(from + lead))?.index !== 0) continue;
    let depth = 1;
    let i = from;
    for (; i < end && depth > 0; i++) {
      if (text[i] === "(") depth++;
      else if (text[i] === ")") depth--;
    }
    const close = depth === 0 ? i - 1 : end;
    return { start: from + lead, end: from + text.slice(from, close).trimEnd().length };
  }
  const clause = EXEMPTION.exec(text.slice(start, at));
  if (!clause || clause.index === 0) return null;
  return { start: start + clause.index, end };
}

/**
 * Temporary fee levels stated in a fee text, one per sentence with an end date: "Kể từ ngày
 * 01/7/2025 đến hết ngày 31/12/2026 mức thu lệ phí … bằng 50% mức thu nêu trên …" →
 * {text: that sentence, from: "2025-07-01", until: "2026-12-31"}. Every such sentence is kept,
 * past ones too: which one applies is decided by date when answering.
 */
export function findReductions(text: string): ReductionSpan[] {
  const pieces = sentenceSpans(text).map((span) => {
    const raw = text.slice(span.start, span.end);
    const lead = /^[\s\-+*•]*/u.exec(raw)?.[0].length ?? 0;
    const start = span.start + lead;
    const sentence = raw
      .slice(lead)
      .replace(/[\s;]+$/u, "")
      .trim();
    return { start, end: start + sentence.length };
  });
  const found: ReductionSpan[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    if (!piece) continue;
    let { start, end } = piece;
    const untilMatch = UNTIL.exec(text.slice(start, end));
    if (!untilMatch) continue;
    // "* Theo Thông tư 64/2025/TT-BTC (kể từ ngày 01/7/2025 đến hết ngày 31/12/2026). + 03
    // triệu đồng/Giấy chứng nhận.": the level is the item that follows the dated heading.
    const next = pieces[i + 1];
    if (!LEVEL.test(text.slice(start, end))) {
      const nextText = next ? text.slice(next.start, next.end) : "";
      if (!next || UNTIL.test(nextText) || !LEVEL.test(nextText)) continue;
      end = next.end;
      i++;
    }
    const exemption = exemptionPart(text, start, end, start + untilMatch.index);
    if (exemption) ({ start, end } = exemption);
    const sentence = text.slice(start, end);
    const until = isoDate(untilMatch);
    if (until === undefined) continue;
    const reduction: FeeReduction = { text: sentence, until };
    const fromMatch = FROM.exec(sentence.slice(0, untilMatch.index + 1));
    const from = fromMatch ? isoDate(fromMatch) : undefined;
    if (from !== undefined && from <= until) reduction.from = from;
    found.push({ reduction, start, end });
  }
  return found;
}
