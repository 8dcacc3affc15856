import { normalizeText } from "../text/normalize.ts";
import type { ProcedureDocument } from "./types.ts";
import { isEmptyCell } from "./cells.ts";

const TABLE_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng";
/** "1 bản chính", "0 bản chính,1 bản sao", "01 bản sao". */
const QUANTITY = /(\d+) bản chính(?:\s*,\s*(\d+) bản sao)?|(\d+) bản sao/gu;
const FORM_EXT = /\.(?:docx?|pdf|xlsx?|rar|zip)/giu;
/** Words a form's file name usually starts with when it is glued to an upper-case name. */
const FORM_START =
  /^(?:Mẫu|Mau|MẪU|mẫu số|mau so|mau \d|Phụ lục|PHỤ LỤC|Phu luc|Phuluc|Phlc|Đơn|Don|Tờ khai|To khai|BM|Giấy)/u;

/** Strips list bullets and trailing separators from a cell. */
function tidy(text: string): string {
  return text
    .replace(/^[\s\-+*•–—]+/u, "")
    .replace(/[\s;,]+$/u, "")
    .trim();
}

/**
 * Where the first form file name starts inside `row`, which ends with ".docx"/".pdf"/….
 * The cells were glued without a separator, so the boundary is the first place where a new
 * cell visibly begins: a letter or digit right after ")", ";", ".", ":" with no space
 * ("(theo mẫu)12.1.PL….docx", "…;Mẫu số 01.docx"), a capital right after a lower-case word
 * ("…thống nhấtMẫu TP-LS-02.docx"), a digit right after a lower-case word ("…quy định1.7. Don.docx"),
 * or a form word right after a letter or digit ("…NĐ-CPMẫu số 03.docx").
 */
function formStart(row: string): number {
  for (let i = 1; i < row.length; i++) {
    const prev = row[i - 1] ?? "";
    const ch = row[i] ?? "";
    const before = row[i - 2] ?? "";
    if (prev === "." && /^(?:docx?|pdf|xlsx?|rar|zip)/iu.test(row.slice(i))) continue; // ".docx"
    if (/[);:.]/u.test(prev) && /[\p{L}\d]/u.test(ch)) {
      if (/[.:]/u.test(prev) && /\d/u.test(before) && /\d/u.test(ch)) continue; // "1.350.000"
      // "TP.Hà Nội", "Q.1": a short abbreviation, not the end of a cell.
      if (prev === "." && /(?:^|\s)\p{Lu}{1,2}$/u.test(row.slice(0, i - 1))) continue;
      return i;
    }
    if (/\p{Ll}/u.test(prev) && /\p{Ll}/u.test(before) && /[\p{Lu}\d]/u.test(ch)) return i;
    if (/[\p{L}\d]/u.test(prev) && FORM_START.test(row.slice(i))) return i;
  }
  return -1;
}

/** Splits "name + form file names" (one row's first two cells) into the name and the forms. */
export function splitNameAndForm(row: string): { name: string; form?: string } {
  const text = row.trim();
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

function makeDocument(row: string, quantity?: string, group?: string): ProcedureDocument | null {
  const { name, form } = splitNameAndForm(row);
  if (name.length < 2 || isEmptyCell(name)) return null;
  const doc: ProcedureDocument = { name };
  if (quantity) doc.quantity = quantity;
  if (form) doc.form = form;
  if (group) doc.group = group;
  return doc;
}

/**
 * Parses the flattened "Thành phần hồ sơ" field: groups "<heading>Tên giấy tờMẫu đơn, tờ
 * khaiSố lượng<rows>", each row "<name><form file?><quantity>". Empty or malformed input → [].
 */
export function parseDocuments(raw: string): ProcedureDocument[] {
  const text = normalizeText(raw);
  if (isEmptyCell(text)) return [];
  const parts = text.split(TABLE_HEADER);
  if (parts.length === 1) return [];
  const docs: ProcedureDocument[] = [];
  let heading = groupHeading(parts[0] ?? "");
  for (let p = 1; p < parts.length; p++) {
    const body = parts[p] ?? "";
    const isLast = p === parts.length - 1;
    let from = 0;
    for (const q of quantities(body)) {
      const doc = makeDocument(body.slice(from, q.rowEnd), q.quantity, heading);
      if (doc) docs.push(doc);
      from = q.end;
    }
    const tail = body.slice(from).trim();
    if (isLast) {
      const doc = tail ? makeDocument(tail, undefined, heading) : null;
      if (doc) docs.push(doc);
    } else {
      heading = groupHeading(tail);
    }
  }
  return docs;
}
