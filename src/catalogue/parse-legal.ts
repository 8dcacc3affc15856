import { normalizeText } from "../text/index.ts";
import type { LegalBasis } from "./types.ts";
import { isEmptyCell } from "./cells.ts";

const TABLE_HEADER = "Tên văn bản pháp lýMã văn bản";

/**
 * One part of a document symbol: "NĐ", "CP", "TTg", "QH13", "UBTVQH14", "BLĐTBXH". Numbered
 * parts (the National Assembly's "QH13") take exactly two digits, so "QH1354/2014/QH13" splits.
 */
const SYMBOL_PART = String.raw`(?:UBTVQH\d{2}|QH\d{2}|TTg|[A-ZĐ]+)`;
/**
 * A document number: "68/2013/TT-BCA", "02/2011/QH13", "01/VBHN-BTP", "66.7/2025/NQ-CP",
 * "144/2008/TTLT/BQP-BLĐTBXH-BTC". The last part is matched greedily and trimmed afterwards.
 */
const DOC_NUMBER = new RegExp(
  String.raw`(\d+(?:\.\d+)?)\/(?:(\d{4})\/)?(${SYMBOL_PART}(?:\s?[-/]\s?${SYMBOL_PART})*)`,
  "gu",
);
/** Issuers and document types that end symbols; used to cut a title glued to a symbol. */
const KNOWN_PARTS = new Set(
  (
    "CP TTg BCA BTC BTP NHNN BXD BGTVT BNNMT BNNPTNT BTNMT BYT BLĐTBXH BKHĐT BCT BQP BNV " +
    "BVHTTDL BKHCN BGDĐT BTTTT VPCP BNG UBND HĐND TTCP BHXH UBDT KTNN TANDTC VKSNDTC CTN VPQH " +
    "UBTVQH CSXH BTM BKH TCHQ UBCKNN BTTT BVHTT BLĐ BGD BNN BTS BKHCNMT NĐ ND TT QĐ QD NQ TTLT " +
    "NQLT VBHN CT PL L HD KH QH UBTVQH QHK"
  ).split(" "),
);
/** Upper-case title words that may be glued to a symbol ("TT-BCAQUY ĐỊNH", "TT-BGTVTLUẬT"). */
const UPPER_TITLE_WORD = /^(?:LUẬT|BỘ|QUY|NGHỊ|THÔNG|BAN|HƯỚNG|SỬA|VỀ|PHÁP|LỆNH|CHỈ|VĂN|HỢP)/u;
/** The label a number cell may start with, when glued to the end of the title cell. */
const NUMBER_PREFIX =
  /(?:(?:Bộ luật|Luật|Nghị định|Nghị quyết|Thông tư liên tịch|Thông tư|Quyết định|Pháp lệnh|Lệnh|Chỉ thị|Văn bản hợp nhất)(?:\s+số)?|Số|số)\s*$/u;

interface NumberToken {
  start: number;
  end: number;
  number: string;
}

/**
 * The greedy last part of a symbol may have eaten the start of the next title: "CPNghị" →
 * "CP" + "Nghị", "BTNMTSửa" → "BTNMT" + "Sửa", "BCAQUY ĐỊNH" → "BCA" + "QUY ĐỊNH". Known
 * issuer codes decide; an unknown part is kept as matched unless a lower-case word follows.
 */
function isKnownPart(part: string): boolean {
  return KNOWN_PARTS.has(part) || /^(?:UBTV)?QH\d{2}$/u.test(part);
}

function trimLastPart(last: string, following: string): string {
  if (isKnownPart(last)) return last;
  for (let cut = last.length - 1; cut >= 1; cut--) {
    const head = last.slice(0, cut);
    const rest = last.slice(cut) + following;
    if (!KNOWN_PARTS.has(head)) continue;
    if (/^\p{Lu}\p{Ll}/u.test(rest) || UPPER_TITLE_WORD.test(rest)) return head;
  }
  // An unknown part whose last capital starts a word ("NĐ-CLuật" in the source): give it back.
  if (last.length >= 2 && /^\p{Ll}/u.test(following)) return last.slice(0, -1);
  return last;
}

/**
 * Trims a greedy symbol match: the last part may have eaten the start of the next title, and a
 * part after a spaced dash ("… TT-BCA - Quy định …") is a title unless it is a known code.
 */
function trimSymbol(symbolText: string, following: string): string {
  const parts = symbolText.split(/(\s?[-/]\s?)/u);
  let after = following;
  for (;;) {
    const last = parts.pop() ?? "";
    const kept = trimLastPart(last, after);
    const rest = last.slice(kept.length) + after;
    const separator = parts.at(-1) ?? "";
    const dangling =
      parts.length > 0 &&
      (kept === "" ||
        (kept.length === 1 && /^\p{Ll}/u.test(rest)) ||
        (/\s/u.test(separator) && !isKnownPart(kept)));
    if (!dangling) return parts.join("") + kept;
    after = `${parts.pop() ?? ""}${last}${after}`;
  }
}

function tokens(text: string): NumberToken[] {
  const found: NumberToken[] = [];
  for (const m of text.matchAll(DOC_NUMBER)) {
    let digits = m[1] ?? "";
    let start = m.index;
    // "…năm 201102/2011/QH13", "…năm 2022.65/2025/TT-BTC": the title's year ran into the number.
    const year = /^(?:19|20)\d\d\.?(?=\d)/u.exec(digits)?.[0];
    if (year && (digits.length > 4 || year.endsWith("."))) {
      start += year.length;
      digits = digits.slice(year.length);
    }
    const symbolText = m[3] ?? "";
    const matchEnd = m.index + m[0].length;
    const symbol = trimSymbol(symbolText, text.slice(matchEnd, matchEnd + 12));
    const end = matchEnd - (symbolText.length - symbol.length);
    const number = `${digits}/${m[2] ? `${m[2]}/` : ""}${symbol.replace(/\s/gu, "")}`;
    found.push({ start, end, number });
  }
  return found;
}

/**
 * True when the number token ends a table row: the next title is glued right after it
 * ("…/NĐ-CPsửa đổi …", "…/TT-BCALuật …"), starts with a capital after a space, or the text ends.
 * Inside a title a number is followed by a space and lower-case words ("Nghị định số
 * 123/2015/NĐ-CP ngày …"), or by the same number as the row's number cell
 * ("Luật 54/2014/QH1354/2014/QH13").
 */
function endsRow(text: string, token: NumberToken, next: NumberToken | undefined): boolean {
  const rest = text.slice(token.end);
  if (rest.trim() === "") return true;
  if (next && next.start === token.end && next.number === token.number) return false;
  if (/^\s*ngày\s*\d/u.test(rest)) return false; // "…/TT-BCAngày 01/7/2025 …": a date follows
  return /^(?:[\p{L}\d(“"]|\s+[\p{Lu}\d(“"])/u.test(rest);
}

function cleanTitle(raw: string): string {
  return raw
    .trim()
    .replace(/^[\s\-–+*;,.:]+/u, "")
    .trim();
}

/**
 * Parses the flattened "Căn cứ pháp lý" table "Tên văn bản pháp lýMã văn bản<title><number>…"
 * into {number, title}. A title empty after removing the number's own label ("Nghị định số")
 * takes the number cell as written. Empty or malformed input gives [].
 */
export function parseLegalBasis(raw: string): LegalBasis[] {
  let text = normalizeText(raw);
  if (isEmptyCell(text)) return [];
  if (text.startsWith(TABLE_HEADER)) text = text.slice(TABLE_HEADER.length);
  const all = tokens(text);
  const rows: LegalBasis[] = [];
  let from = 0;
  const closeRow = (start: number, end: number, number: string) => {
    let title = text.slice(from, start);
    const cellText = text.slice(from, end);
    const prefix = NUMBER_PREFIX.exec(title);
    // Strip the number's label only where it is glued to the title ("…tín dụngLuật số 32/…").
    if (prefix && (prefix.index === 0 || !/\s/u.test(title[prefix.index - 1] ?? " "))) {
      title = title.slice(0, prefix.index);
    }
    title = cleanTitle(title);
    from = end;
    const previous = rows.at(-1);
    // "73/2025/TT-NHNNSố 73/2025/TT-NHNN": the second half is the number cell of the same row.
    if (previous && previous.number === number && title === "") return;
    rows.push({ number, title: title || cleanTitle(cellText) });
  };
  all.forEach((token, i) => {
    if (token.start >= from && endsRow(text, token, all[i + 1])) {
      closeRow(token.start, token.end, token.number);
    }
  });
  // The last number cell may carry more words ("Thông tư số 84/2025/TT-BNNMT ngày 31 tháng 12"),
  // or lack a symbol ("Nghị định số 85/2026"): close the last row on what is there.
  if (cleanTitle(text.slice(from)) !== "") {
    const last = all.filter((t) => t.start >= from).at(-1);
    const bare = /(\d+\/\d{4})\s*$/u.exec(text.slice(from));
    const bareNumber = bare?.[1] ?? "";
    if (last) closeRow(last.start, last.end, last.number);
    // "Nghị định số 46/2020/NĐ-CP46/2020": the bare cell repeats the row just read.
    else if (bare && !rows.at(-1)?.number.startsWith(`${bareNumber}/`)) {
      closeRow(from + bare.index, text.length, bareNumber);
    }
  }
  return rows;
}

/** The document numbers found in a text, in order ("Quyết định số 12/2021/QĐ-TTg ngày …"). */
export function findDocumentNumbers(text: string): string[] {
  return tokens(normalizeText(text)).map((t) => t.number);
}
