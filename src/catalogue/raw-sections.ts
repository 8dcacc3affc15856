import { normalizeText } from "../text/index.ts";

/** Sections of a portal page's text ("raw_text"), cut at the page's own section labels. */
export interface PageSections {
  steps?: string;
  documents?: string;
  legal?: string;
}

const STEPS = "Trình Tự Thực Hiện";
const METHODS = "Cách Thức Thực Hiện";
const DOCUMENTS = "Thành phần hồ sơ";
const DOCUMENT_TABLE = "Tên giấy tờMẫu đơn, tờ khaiSố lượng";
const LEGAL = /Căn cứ pháp lý(?=Tên văn bản pháp lý|Không có thông tin|Cơ quan thực hiện)/u;
const AGENCY = "Cơ quan thực hiện";

function indexFrom(
  text: string,
  pattern: RegExp,
  from: number,
): { index: number; length: number } | null {
  const m = pattern.exec(text.slice(from));
  return m ? { index: from + m.index, length: m[0].length } : null;
}

/**
 * Re-cuts the page text. The crawler cut each field at the first occurrence of the next label,
 * so a label quoted inside an earlier section ("…theo quy định tại mục 5.3 (Thành phần hồ sơ)…")
 * truncated the steps and shifted the documents. Here the documents label is the last
 * "Thành phần hồ sơ" before the first documents table, and the legal label is the one followed
 * by its table header.
 */
export function sectionsFromPageText(raw: string): PageSections {
  const text = normalizeText(raw);
  const sections: PageSections = {};
  const stepsAt = text.indexOf(STEPS);
  const methodsAt = text.indexOf(METHODS, Math.max(stepsAt, 0));
  if (stepsAt >= 0 && methodsAt > stepsAt) {
    sections.steps = text.slice(stepsAt + STEPS.length, methodsAt).trim();
  }
  if (methodsAt < 0) return sections;
  const tableAt = text.indexOf(DOCUMENT_TABLE, methodsAt);
  const docsAt =
    tableAt >= 0
      ? text.lastIndexOf(DOCUMENTS, tableAt)
      : text.indexOf(DOCUMENTS, methodsAt + METHODS.length);
  const legal = indexFrom(text, LEGAL, Math.max(docsAt, methodsAt));
  if (docsAt > methodsAt) {
    sections.documents = text.slice(docsAt + DOCUMENTS.length, legal?.index ?? text.length).trim();
  }
  if (legal) {
    const start = legal.index + legal.length;
    const end = text.indexOf(AGENCY, start);
    sections.legal = text.slice(start, end >= 0 ? end : text.length).trim();
  }
  return sections;
}
