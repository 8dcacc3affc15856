import { normalizeText } from "../text/index.ts";
import type { ProcedureDocument } from "./types.ts";
import { isEmptyCell } from "./cells.ts";
import {
  assembleDocuments,
  tidyName,
  type DocumentRow,
  type DocumentSection,
} from "./document-items.ts";

const TABLE_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng";
/** "1 bản chính", "0 bản chính,1 bản sao", "01 bản sao". */
const QUANTITY = /(\d+) bản chính(?:\s*,\s*(\d+) bản sao)?|(\d+) bản sao/gu;
const FORM_EXT = /\.(?:docx?|pdf|xlsx?|rar|zip)/giu;
/** Words a form's file name usually starts with when it is glued to an upper-case name. */
const FORM_START =
  /^(?:Mẫu|Mau|MẪU|mẫu|Ms\d|Mus\d|mau so|mau \d|Phụ lục|PHỤ LỤC|phụ lục|Phu luc|Phuluc|Phlc|Đơn|đơn|Don|Tờ khai|tờ khai|tờ trình|To khai|BM|Giấy|báo cáo|văn bản|bản khai|thuyết minh)/u;

const tidy = tidyName;

/** "Mẫu số 04." / "mẫu 02.": a template number whose code follows the dot ("Mẫu số 04.ĐT"). */
const TEMPLATE_NUMBER = /(?:(?:mẫu|mau)(?: biểu)?(?: số| so)? ?|\bMs|\bMus)\d+[a-zđ]?$/iu;
/** A legal document number: the part before its issuer's code ("38/2026/NĐ-", "80/2021/TT-"). */
const LEGAL_NUMBER_HEAD = /\d+\/\d{4}\/(?:NĐ|NQ|QĐ|CT|TT|TTLT)-/gu;
/** How a Vietnamese syllable may begin after its capital: a vowel or a second consonant. */
const SYLLABLE_START =
  /^(?:\p{Lu}[aăâeêioôơuưyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]|[CKNPT]h|Gh|Gi|Ng|Nh|Qu|Tr)/u;

/**
 * Where a legal number glued to the form file name ends ("…38/2026/NĐ-CPmẫu đơn.docx",
 * "…80/2021/TT-BTC01-LP.docx", "…TT-BNNMTThuyết minh.docx", "…TT-BNNMTthuyết minh.pdf"): after
 * the issuer's upper-case code, less its last capital when that capital starts the next word.
 */
function gluedLegalNumberEnds(row: string): number[] {
  const ends: number[] = [];
  for (const m of row.matchAll(LEGAL_NUMBER_HEAD)) {
    const start = m.index + m[0].length;
    const fixed = /^(?:CP|TTg)/u.exec(row.slice(start));
    let end =
      start + (fixed ? fixed[0].length : (/^[A-ZĐ]+/u.exec(row.slice(start))?.[0].length ?? 0));
    if (
      !fixed &&
      end - start > 2 &&
      /\p{Ll}/u.test(row[end] ?? "") &&
      SYLLABLE_START.test(row.slice(end - 1))
    ) {
      end -= 1;
    }
    if (end > start && /[^\s,;.)\]/-]/u.test(row[end] ?? " ")) ends.push(end);
  }
  return ends;
}
/** A weak boundary is taken only when what follows it is as short as a file name. */
const MAX_FORM_AFTER_WEAK = 70;

function isFormBoundary(row: string, i: number): boolean {
  const prev = row[i - 1] ?? "";
  const ch = row[i] ?? "";
  const before = row[i - 2] ?? "";
  const head = row.slice(0, i - 1);
  if (prev === "." && /^(?:docx?|pdf|xlsx?|rar|zip)/iu.test(row.slice(i))) return false; // ".docx"
  if (/[);:.]/u.test(prev) && /[\p{L}\d]/u.test(ch)) {
    if (/[.:]/u.test(prev) && /\d/u.test(before) && /\d/u.test(ch)) return false; // "1.350.000"
    // "TP.Hà Nội", "Q.1": a short abbreviation, not the end of a cell.
    if (prev === "." && /(?:^|\s)\p{Lu}{1,2}$/u.test(head)) return false;
    // "Mẫu số 04.ĐT tại Phụ lục II": the template's code, part of the name.
    if (prev === "." && /\p{Lu}/u.test(ch) && TEMPLATE_NUMBER.test(head)) return false;
    return true;
  }
  if (/\p{Ll}/u.test(prev) && /\p{Ll}/u.test(before) && /[\p{Lu}\d]/u.test(ch)) return true;
  if (/[\p{L}\d]/u.test(prev) && FORM_START.test(row.slice(i))) return true;
  return false;
}

/** Where the first form file name starts after `from`; -1 when no boundary is visible. */
function strongFormStart(row: string): number {
  for (let i = 1; i < row.length; i++) if (isFormBoundary(row, i)) return i;
  return -1;
}

/**
 * Boundaries seen less often, each followed by a file name only: "…theo quy địnhvăn bản đề
 * nghị.docx" (a lower-case word glued to "quy định"), "…NĐ-CPmẫu đơn.docx" (a legal number),
 * "…(đã được sửa đổi),PL 01 TT 62.docx" (a comma with no space), "…ngày 05/5/2025PL 01.docx" (a
 * date), "…“Địa chỉ thường trú”Phụ lục Đơn.doc" (a closing quote), "…(bản chính)~$ụ lục.docx".
 */
function weakFormStart(row: string): number {
  const ext = row.search(/\.(?:docx?|pdf|xlsx?|rar|zip)$/iu);
  const candidates: number[] = [];
  const quyDinh = /quy (?:định|đinh)(?=[\p{Ll}\d])/u.exec(row);
  if (quyDinh) candidates.push(quyDinh.index + quyDinh[0].length);
  candidates.push(...gluedLegalNumberEnds(row));
  const comma = /[\p{L})],(?=[\p{L}\d])/u.exec(row);
  if (comma) candidates.push(comma.index + 2);
  const date = /\d{1,2}\/\d{1,2}\/\d{4}(?=\p{L})/u.exec(row);
  if (date) candidates.push(date.index + date[0].length);
  const quote = /[”»](?=\p{L})/u.exec(row);
  if (quote) candidates.push(quote.index + 1);
  const temp = row.indexOf("~$");
  if (temp > 0) candidates.push(temp);
  const fit = candidates.filter((c) => c > 0 && ext - c <= MAX_FORM_AFTER_WEAK && ext - c > 0);
  return fit.length > 0 ? Math.min(...fit) : -1;
}

/**
 * Where the first form file name starts inside `row`, which ends with ".docx"/".pdf"/….
 * The cells were glued without a separator, so the boundary is the first place where a new
 * cell visibly begins: a letter or digit right after ")", ";", ".", ":" with no space
 * ("(theo mẫu)12.1.PL….docx", "…;Mẫu số 01.docx"), a capital right after a lower-case word
 * ("…thống nhấtMẫu TP-LS-02.docx"), a digit right after a lower-case word ("…quy định1.7. Don.docx"),
 * or a form word right after a letter or digit ("…NĐ-CPMẫu số 03.docx"); else one of the weaker
 * boundaries of weakFormStart.
 */
function formStart(row: string): number {
  const strong = strongFormStart(row);
  const weak = weakFormStart(row);
  if (strong > 0 && (weak <= 0 || strong <= weak)) return strong;
  return weak;
}

/** Splits "name + form file names" (one row's first two cells) into the name and the forms. */
export function splitNameAndForm(row: string): { name: string; form?: string } {
  // Bullets and stray punctuation first: ".Văn bản…" would otherwise look like a boundary.
  const text = tidy(row);
  if (!/\.(?:docx?|pdf|xlsx?|rar|zip)$/iu.test(text)) return { name: tidy(text) };
  let start = formStart(text);
  if (start <= 0) {
    // No visible boundary ("…theo mẫuvăn bản đề nghị.docx"): cut after "theo mẫu" when present.
    const m = /theo (?:mẫu|Mẫu)(?=\S)/u.exec(text);
    start = m ? m.index + m[0].length : -1;
  }
  if (start <= 0) return { name: tidy(text) };
  const forms: string[] = [];
  let from = start;
  for (const m of text.slice(start).matchAll(FORM_EXT)) {
    const end = start + m.index + m[0].length;
    const file = text.slice(from, end).trim();
    if (file) forms.push(file);
    from = end;
  }
  const name = tidy(text.slice(0, start));
  if (!name) return { name: tidy(text) };
  return forms.length > 0 ? { name, form: forms.join("; ") } : { name };
}

function groupHeading(text: string): string | undefined {
  const heading = tidy(text.replace(/:\s*$/u, "")).replace(/:$/u, "");
  return heading === "" || isEmptyCell(heading) ? undefined : heading;
}

interface QuantityMatch {
  /** Where the row's own text ends (digits glued to the name are given back to it). */
  rowEnd: number;
  end: number;
  quantity: string;
}

/**
 * Quantities are small ("1", "0", "01"); a longer run of digits means the name ended with digits
 * ("…ngày 24/07/20231 bản chính", "…BM.NCC.20.031 bản chính"): only the last digit (or a "0N"
 * pair) is the quantity.
 */
function quantityDigits(run: string): string {
  return run.length === 1 || /^0\d$/u.test(run) ? run : run.slice(-1);
}

function quantities(body: string): QuantityMatch[] {
  const found: QuantityMatch[] = [];
  for (const m of body.matchAll(QUANTITY)) {
    // A quantity cell is glued to the next row's name; "01 bản sao có chứng thực …" with a space
    // after it is part of a name.
    const after = body.slice(m.index + m[0].length);
    if (/^\s/u.test(after) && after.trim() !== "") continue;
    // "(01 bản chính)": a quantity written in brackets inside the name.
    if (/^\)/u.test(after) || /\(\s*$/u.test(body.slice(0, m.index))) continue;
    const run = m[1] ?? m[3] ?? "";
    const digits = quantityDigits(run);
    const rowEnd = m.index + (run.length - digits.length);
    const quantity =
      m[1] !== undefined
        ? `${digits} bản chính${m[2] !== undefined ? `, ${m[2]} bản sao` : ""}`
        : `${digits} bản sao`;
    found.push({ rowEnd, end: m.index + m[0].length, quantity });
  }
  return found;
}

/**
 * Cuts the flattened "Thành phần hồ sơ" field into rows: groups "<heading>Tên giấy tờMẫu đơn, tờ
 * khaiSố lượng<rows>", each row "<name><form file?><quantity>".
 */
export function parseDocumentRows(raw: string): DocumentRow[] {
  const text = normalizeText(raw);
  if (isEmptyCell(text)) return [];
  const parts = text.split(TABLE_HEADER);
  if (parts.length === 1) return [];
  const rows: DocumentRow[] = [];
  let heading: string | undefined;
  /**
   * The text before a table is its heading; when it holds several "* …" paragraphs, only the
   * last one heads the table and the ones before it are notes.
   */
  const setHeading = (text: string, table: number) => {
    const paragraphs = text.split(/(?:^|\s)\*\s+/u).filter((t) => t.trim() !== "");
    for (const note of paragraphs.slice(0, -1)) {
      const row: DocumentRow = { name: note, table, note: true };
      if (heading) row.heading = heading;
      rows.push(row);
    }
    heading = groupHeading(paragraphs.at(-1) ?? "");
  };
  setHeading(parts[0] ?? "", 1);
  const add = (cell: string, table: number, quantity?: string) => {
    const { name, form } = splitNameAndForm(cell);
    // The bullet is kept on the name: it tells a sub-list from the rows around it.
    const bullet = /^\s*(\*\)|[-+•*–—])/u.exec(cell)?.[1];
    const row: DocumentRow = { name: bullet ? `${bullet} ${name}` : name, table };
    if (quantity) row.quantity = quantity;
    if (form) row.form = form;
    if (heading) row.heading = heading;
    rows.push(row);
  };
  for (let p = 1; p < parts.length; p++) {
    const body = parts[p] ?? "";
    const isLast = p === parts.length - 1;
    let from = 0;
    for (const q of quantities(body)) {
      add(body.slice(from, q.rowEnd), p, q.quantity);
      from = q.end;
    }
    const tail = body.slice(from).trim();
    if (isLast) {
      if (tail) add(tail, p);
    } else {
      setHeading(tail, p + 1);
    }
  }
  return rows;
}

/**
 * Parses the flattened "Thành phần hồ sơ" field into the documents to bring and the notes
 * about them (see assembleDocuments). Empty or malformed input gives no documents and no notes.
 */
export function parseDocumentSection(raw: string): DocumentSection {
  return assembleDocuments(parseDocumentRows(raw));
}

/** The documents of parseDocumentSection, without the notes. */
export function parseDocuments(raw: string): ProcedureDocument[] {
  return parseDocumentSection(raw).documents;
}
