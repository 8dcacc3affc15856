import type { ProcedureDocument } from "./types.ts";
import { isEmptyCell } from "./cells.ts";

/**
 * Cleaning shared by both sources' document lists: which rows are documents and which are notes,
 * sub-headings inside a table, duplicates, and the application form first in its group.
 */

/** One row of a documents table as the source gives it, before cleaning. */
export interface DocumentRow {
  /** The document's name, list bullets and stray punctuation not yet removed. */
  name: string;
  quantity?: string;
  form?: string;
  /** Heading of the table the row is in. */
  heading?: string;
  /** Index of the table the row is in (a sub-heading never runs past its table). */
  table: number;
  /** The source marks it as text between tables, not a row: a note whatever it says. */
  note?: boolean;
}

export interface DocumentSection {
  documents: ProcedureDocument[];
  /** Sentences that are no documents to bring ("Trường hợp…", "Lưu ý…", "Người tiếp nhận…"). */
  notes: string[];
}

/** A bullet, an enumeration left over from a cut ("*)", ".", ";"), or a separator. */
const LEADING_JUNK = /^[\s\-+*•–—.;:,)\]}…/\\~]+/u;
const BULLET = /^\s*(\*\)|[-+•*–—])/u;
/** "a)", "1.", "(1)", "2/", "i)", "1.2.": the source's own numbering, kept in the name. */
const ENUMERATION = /^\s*(?:\(?(?:\d+(?:\.\d+)*|[a-zđ]|[ivx]+)[).]\s*|\d+\/\s)/iu;

/** Strips list bullets, stray leading punctuation and trailing separators from a name. */
export function tidyName(text: string): string {
  return text
    .replace(LEADING_JUNK, "")
    .replace(/[\s;,]+$/u, "")
    .replace(/([.:])\1+$/u, "$1")
    .trim();
}

function bulletOf(text: string): string | undefined {
  return BULLET.exec(text)?.[1];
}

/** Quantity that states no original and no copy: the portal's default for a row that is no document. */
export function isZeroQuantity(quantity: string | undefined): boolean {
  if (quantity === undefined) return false;
  const digits = quantity.match(/\d+/gu) ?? [];
  return digits.length > 0 && digits.every((d) => Number(d) === 0);
}

/** A group heading that announces notes ("Lưu ý", "* Ghi chú :"). */
export function isNoteHeading(heading: string | undefined): boolean {
  return (
    heading !== undefined &&
    /^(?:lưu ý|ghi chú|chú ý|chú thích)(?![\p{L}\d])/iu.test(heading.trim())
  );
}

/** "Lưu ý: …", "Ghi chú: …": a row labelled as a note whatever its quantity. */
const NOTE_LABEL = /^(?:lưu ý|ghi chú|chú ý)\s*:/iu;

/**
 * How a sentence that is no document usually begins: a condition ("Trường hợp…", "Nếu…",
 * "Đối với…"), an instruction to staff or the applicant ("Người tiếp nhận…", "Cơ quan…",
 * "Người có yêu cầu…"), a time rule ("Trong thời hạn…", "Chậm nhất…") or an example.
 */
const NOTE_OPENER = new RegExp(
  "^\\(?\\s*(?:" +
    [
      "trường hợp",
      "trong trường hợp",
      "đối với",
      "nếu",
      "khi",
      "lưu ý",
      "ghi chú",
      "chú ý",
      "người tiếp nhận",
      "cơ quan",
      "người có yêu cầu",
      "người yêu cầu",
      "người đề nghị",
      "người nộp",
      "người khai",
      "người đi đăng ký",
      "cá nhân có quyền",
      "tổ chức, cá nhân",
      "trong thời hạn",
      "trong đó",
      "chậm nhất",
      "việc",
      "ví dụ",
      "ngoài hồ sơ",
      "ngoài các",
      "để",
      "căn cứ",
      "thời hạn",
      "không quy định",
      "do",
      "tại",
      "miễn",
    ].join("|") +
    ")(?=[\\s:,]|$)",
  "iu",
);

/** "Trường hợp 1:", "2. Trường hợp 2:": a numbered case, which heads rows rather than being a note. */
const NUMBERED_CASE = /^\(?\s*trường hợp\s+\d+\s*[:.)]/iu;

/** Words a document's name begins with. */
const DOCUMENT_NOUN = new RegExp(
  "^(?:" +
    [
      "giấy",
      "đơn(?! vị)",
      "tờ",
      "bản",
      "văn bản",
      "hồ sơ",
      "phiếu",
      "danh sách",
      "danh mục",
      "báo cáo",
      "hợp đồng",
      "quyết định",
      "chứng",
      "hóa đơn",
      "tài liệu",
      "biên bản",
      "biên lai",
      "sổ",
      "thẻ",
      "ảnh",
      "dự thảo",
      "dự án",
      "đề án",
      "đề cương",
      "kế hoạch",
      "phương án",
      "thuyết minh",
      "bảng",
      "sơ đồ",
      "hộ chiếu",
      "căn cước",
      "vận đơn",
      "mẫu",
      "phụ lục",
      "thông báo",
      "công văn",
      "chương trình",
      "quy chế",
      "quy trình",
      "điều lệ",
      "lý lịch",
      "sơ yếu",
      "trích lục",
      "trích sao",
      "bằng",
      "học bạ",
      "xác nhận",
      "\\d+ bộ",
    ].join("|") +
    ")(?=[\\s,:;(]|$)",
  "iu",
);

/** "Tài liệu quy định tại điểm g Mục 1.3.1.1 …": a rule about rows listed above, not a new one. */
const CROSS_REFERENCE =
  /^(?:các )?(?:tài liệu|giấy tờ|thành phần hồ sơ)(?: nêu| quy định)? tại (?:các )?(?:điểm|khoản|mục)(?![\p{L}\d])/iu;

/** Clause words that make a row a sentence (a rule or an instruction) rather than a name. */
const SENTENCE_WORDS =
  /\s(?:thì|phải|có trách nhiệm|chịu trách nhiệm|không được|được quyền|có quyền|có thể|không cần|không phải)\s/iu;

/** "Số lượng hồ sơ: 01 (bộ)", "2/ Số lượng hồ sơ", "Số bộ hồ sơ 01 (một) bộ". */
const DOSSIER_COUNT = /^(?:số lượng hồ sơ|số bộ hồ sơ|số lượng:\s*\d+\s*\(?(?:bộ|một))/iu;

/**
 * A row that heads the rows after it: no quantity of its own and ends like a list announcement
 * ("Giấy tờ phải xuất trình:", "Đối với phương tiện thương mại:", "Chứng cứ … gồm:").
 */
const ANNOUNCES_LIST = /(?::|(?:^|\s)(?:gồm|sau đây|như sau|các giấy tờ sau))\s*\.?$/iu;
const BARE_LABEL = /^giấy tờ (?:phải )?(?:nộp|xuất trình)(?![\p{L}\d])[^.;]{0,40}$/iu;

/** The text of a name without the source's numbering ("a) Đơn…" → "Đơn…"). */
function unnumbered(name: string): string {
  let text = name;
  for (let i = 0; i < 3 && ENUMERATION.test(text); i++) text = text.replace(ENUMERATION, "");
  return text.replace(LEADING_JUNK, "");
}

type RowKind = "document" | "note" | "label";

/**
 * Decides what a row is. A row with a quantity is a document unless it is labelled as a note
 * ("Lưu ý: …") or sits under a "Lưu ý" heading and reads as a sentence. A row stating no
 * original and no copy (the portal's default) is a note when it opens like one or reads as a
 * sentence, a heading of the next rows when it announces a list, and a document when it names one.
 */
export function classifyRow(name: string, quantity: string | undefined, heading?: string): RowKind {
  const text = unnumbered(name);
  if (DOSSIER_COUNT.test(text)) return "note";
  if (NOTE_LABEL.test(text)) return "note";
  const zero = isZeroQuantity(quantity) || quantity === undefined;
  const opener = NOTE_OPENER.test(text) && !NUMBERED_CASE.test(text);
  const sentence = SENTENCE_WORDS.test(` ${text} `);
  const noun = DOCUMENT_NOUN.test(text);
  if (isNoteHeading(heading)) {
    if (zero || opener || sentence) return "note";
    return "document";
  }
  if (!zero) return "document";
  const announces = ANNOUNCES_LIST.test(text) || BARE_LABEL.test(text);
  if (announces && !/^(?:người|cơ quan|cá nhân|tổ chức, cá nhân)(?![\p{L}\d])/iu.test(text))
    return "label";
  if (opener || CROSS_REFERENCE.test(text)) return "note";
  if (noun) return "document";
  if (sentence) return "note";
  return "document";
}

/**
 * Lower case with accents kept; white space and punctuation folded away. The source's numbering
 * stays part of the key: "3. X" and "8. X" are two rows the source numbered apart (but see
 * sameDocument for "1. X" and "X").
 */
export function documentKey(name: string): string {
  // Names come NFC-normalized from the sources' cell cleaning.
  return name.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, "");
}

/** The first sentence of a name: up to a full stop before a capitalised word. */
function firstSentence(name: string): string {
  const m = /\.\s*(?=\p{Lu}\p{Ll})/u.exec(name);
  return m ? name.slice(0, m.index) : name;
}

/**
 * Same document: equal keys, or the same first sentence (at least 30 letters) with only the
 * explanation after it told differently ("Phiếu CC01 … ký xác nhận. Trường hợp…: Giấy tờ, tài
 * liệu…" and "Phiếu CC01 … ký xác nhận.Trường hợp… Giấy tờ pháp lý…"). Names differing in
 * their first sentence stay apart ("…Giấy chứng nhận dung tích tàu biển" / "…phân cấp tàu biển").
 */
export function sameDocument(a: string, b: string): boolean {
  return sameKeys(keysOf(a), keysOf(b));
}

/** What sameDocument compares, each part computed once per name and only when needed. */
interface NameKeys {
  name: string;
  key: string;
  numbered: boolean;
  first?: string;
  /** The keys of the name without its numbering (only for a numbered name). */
  plain?: NameKeys;
}

function keysOf(name: string): NameKeys {
  return { name, key: documentKey(name), numbered: ENUMERATION.test(name) };
}

function plainOf(k: NameKeys): NameKeys {
  if (!k.numbered) return k;
  return (k.plain ??= keysOf(unnumbered(k.name)));
}

function firstOf(k: NameKeys): string {
  return (k.first ??= documentKey(firstSentence(k.name)));
}

function sameKeys(a: NameKeys, b: NameKeys): boolean {
  if (a.key === "") return false;
  if (a.key === b.key) return true;
  // One numbered and one unnumbered copy of a row: the source listed it twice.
  if (a.numbered !== b.numbered) return sameKeys(plainOf(a), plainOf(b));
  // The keys differ, so at least one goes on past a shared first sentence.
  const first = firstOf(a);
  return first.length >= 30 && first === firstOf(b);
}

/** The application form itself: tờ khai, đơn, phiếu/văn bản/giấy đề nghị. */
const PRIMARY_FORM =
  /^(?:tờ khai|đơn(?! vị| giá)|(?:phiếu|văn bản|giấy|công văn) (?:đề nghị|yêu cầu|đăng ký)|bản khai|tờ trình)(?=[\s,:;(]|$)/iu;

export function isPrimaryForm(name: string): boolean {
  return PRIMARY_FORM.test(name.replace(LEADING_JUNK, ""));
}

function noteText(name: string): string {
  const text = name.replace(/^(?:lưu ý|ghi chú|chú ý)\s*:\s*/iu, "");
  return tidyName(text) || name;
}

function headingOf(label: string): string {
  return tidyName(label.replace(/[\s:.]+$/u, ""));
}

/** Moves the first application form to the front of its group unless the source numbers it. */
function primaryFirst(items: ProcedureDocument[]): ProcedureDocument[] {
  const at = items.findIndex((d) => isPrimaryForm(d.name));
  if (at <= 0) return items;
  const form = items[at];
  if (!form || ENUMERATION.test(form.name)) return items;
  return [form, ...items.slice(0, at), ...items.slice(at + 1)];
}

/**
 * Turns a source's document rows into the documents to bring and the notes about them.
 * Rows under a "Lưu ý" heading and sentences with no quantity go to notes; a row announcing a
 * list ("Giấy tờ phải nộp:") becomes the group of the rows after it in its table (until a row
 * with the announcing row's own bullet, or the next such row); a heading that repeats one of its
 * rows is no heading; duplicates in a group are dropped; the rows of a repeated heading are
 * brought together; the application form comes first in its group. A document keeps its
 * group even when it is the only one (the answer decides how to show groups).
 */
export function assembleDocuments(rows: readonly DocumentRow[]): DocumentSection {
  const notes: string[] = [];
  let items: ProcedureDocument[] = [];
  let label: { text: string; bullet?: string; table: number } | undefined;
  for (const row of rows) {
    const bullet = bulletOf(row.name);
    const name = tidyName(row.name);
    if (name.length < 2 || isEmptyCell(name) || !/\p{L}/u.test(name)) continue;
    const heading = row.heading !== undefined ? headingOf(row.heading) || undefined : undefined;
    if (label && (label.table !== row.table || (label.bullet && bullet === label.bullet))) {
      label = undefined;
    }
    const kind = row.note ? "note" : classifyRow(name, row.quantity, heading);
    if (kind === "note") {
      notes.push(noteText(name) + (row.form ? ` (${row.form})` : ""));
      continue;
    }
    if (kind === "label" && !row.form) {
      const text = headingOf(name);
      label = { text: heading ? `${heading} — ${text}` : text, bullet, table: row.table };
      continue;
    }
    const doc: ProcedureDocument = { name };
    // "0 bản chính" alone is the portal's default, not a count: it is left out.
    if (row.quantity && !isZeroQuantity(row.quantity)) doc.quantity = row.quantity;
    if (row.form) doc.form = row.form;
    const group = label?.text ?? heading;
    if (group) doc.group = group;
    items.push(doc);
  }

  // A heading that repeats one of its own rows is that row cut off by the layout: no heading.
  const cache = new Map<string, NameKeys>();
  const keys = (name: string) => {
    let k = cache.get(name);
    if (!k) cache.set(name, (k = keysOf(name)));
    return k;
  };
  const same = (a: string, b: string) => sameKeys(keys(a), keys(b));
  const cutHeadings = new Set(
    items.filter((d) => d.group !== undefined && same(d.name, d.group)).map((d) => d.group),
  );
  if (cutHeadings.size > 0) {
    items = items.map((d) => (cutHeadings.has(d.group) ? withoutGroup(d) : d));
  }

  const kept: ProcedureDocument[] = [];
  for (const doc of items) {
    const twin = kept.find((k) => k.group === doc.group && same(k.name, doc.name));
    if (!twin) kept.push(doc);
    else mergeInto(twin, doc);
  }
  return { documents: primaryFirstInRuns(gatherGroups(kept)), notes: dedupeNotes(notes) };
}

/** A later duplicate gives the kept one what it lacks (a form, a real quantity). */
function mergeInto(kept: ProcedureDocument, twin: ProcedureDocument): void {
  if (!kept.form && twin.form) kept.form = twin.form;
  if (!kept.quantity && twin.quantity) kept.quantity = twin.quantity;
}

/**
 * Brings the rows of a named group together where the group first appears (the portal repeats a
 * heading over two tables); rows with no group keep their place.
 */
function gatherGroups(docs: ProcedureDocument[]): ProcedureDocument[] {
  const byGroup = new Map<string, ProcedureDocument[]>();
  for (const doc of docs) {
    if (doc.group === undefined) continue;
    const list = byGroup.get(doc.group);
    if (list) list.push(doc);
    else byGroup.set(doc.group, [doc]);
  }
  const out: ProcedureDocument[] = [];
  for (const doc of docs) {
    if (doc.group === undefined) out.push(doc);
    else if (byGroup.has(doc.group)) {
      out.push(...(byGroup.get(doc.group) ?? []));
      byGroup.delete(doc.group);
    }
  }
  return out;
}

/** Applies primaryFirst to each run of rows that share a group. */
function primaryFirstInRuns(docs: ProcedureDocument[]): ProcedureDocument[] {
  const out: ProcedureDocument[] = [];
  let run: ProcedureDocument[] = [];
  for (const doc of docs) {
    if (run.length > 0 && run[0]?.group !== doc.group) {
      out.push(...primaryFirst(run));
      run = [];
    }
    run.push(doc);
  }
  out.push(...primaryFirst(run));
  return out;
}

function withoutGroup(doc: ProcedureDocument): ProcedureDocument {
  const copy = { ...doc };
  delete copy.group;
  return copy;
}

function dedupeNotes(notes: string[]): string[] {
  const seen = new Set<string>();
  return notes.filter((n) => {
    const key = documentKey(n);
    if (key === "" || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
