import { z } from "zod";
import type { Procedure } from "./types.ts";
import type { ImportFailure } from "./coverage.ts";
import { cleanCell } from "./cells.ts";
import { parseDocumentSection } from "./parse-documents.ts";
import { parseLegalBasis } from "./parse-legal.ts";
import { parseAgencies, parseAudience, parseLevels } from "./parse-lists.ts";
import { buildMethods, splitMethodCells } from "./parse-methods.ts";
import { parseResult } from "./parse-result.ts";
import { parseSteps } from "./parse-steps.ts";
import { portalUrlForCode } from "./portal.ts";
import { sectionsFromPageText } from "./raw-sections.ts";
import { parseFieldFailures } from "./field-failures.ts";

export const DVC_SOURCE = "dvc-ministry-tthc";
export const DVC_FILE = "dvc-ministry-tthc/procedures.jsonl.gz";

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? "");

/** One line of procedures.jsonl.gz (source 1); every field is a string. */
export const dvcRawSchema = z.object({
  ma_thu_tuc: z.string(),
  detail_url: text,
  ten_thu_tuc: text,
  so_quyet_dinh: text,
  cap_thuc_hien: text,
  linh_vuc: text,
  doi_tuong_thuc_hien: text,
  co_quan_co_tham_quyen: text,
  dia_chi_tiep_nhan: text,
  co_quan_duoc_uy_quyen: text,
  trinh_tu_thuc_hien: text,
  cach_thuc_thuc_hien: text,
  thanh_phan_ho_so: text,
  can_cu_phap_ly: text,
  co_quan_thuc_hien: text,
  yeu_cau_dieu_kien: text,
  ket_qua_xu_ly: text,
  raw_text: text,
});
export type DvcRaw = z.infer<typeof dvcRawSchema>;

const DOCUMENT_TABLE = "Tên giấy tờMẫu đơn, tờ khaiSố lượng";
const LEGAL_TABLE = "Tên văn bản pháp lý";

/**
 * Picks each flattened section from the crawler's field, or from the page text when the crawler
 * cut the field at a label quoted inside an earlier section (see raw-sections.ts).
 */
function sections(raw: DvcRaw): { steps: string; documents: string; legal: string } {
  const page = sectionsFromPageText(raw.raw_text);
  const steps =
    page.steps !== undefined && page.steps.length > raw.trinh_tu_thuc_hien.trim().length
      ? page.steps
      : raw.trinh_tu_thuc_hien;
  const documents =
    raw.thanh_phan_ho_so.includes(DOCUMENT_TABLE) || page.documents === undefined
      ? raw.thanh_phan_ho_so
      : page.documents;
  const legalField = raw.can_cu_phap_ly.trim();
  const legal =
    legalField.startsWith(LEGAL_TABLE) || cleanCell(legalField) === "" || page.legal === undefined
      ? raw.can_cu_phap_ly
      : page.legal;
  return { steps, documents, legal };
}

/** Maps a source-1 record to a Procedure (not yet validated) and notes what did not parse. */
export function mapDvcRecord(raw: DvcRaw): { procedure: Procedure; failures: ImportFailure[] } {
  const code = raw.ma_thu_tuc.trim();
  const { steps: stepsText, documents: docsText, legal: legalText } = sections(raw);
  const cells = splitMethodCells(raw.cach_thuc_thuc_hien);
  const steps = parseSteps(stepsText);
  const docSection = parseDocumentSection(docsText);
  const procedure: Procedure = {
    code,
    name: cleanCell(raw.ten_thu_tuc),
    field: cleanCell(raw.linh_vuc),
    levels: parseLevels(raw.cap_thuc_hien),
    decision: cleanCell(raw.so_quyet_dinh),
    agencies: parseAgencies(
      raw.co_quan_thuc_hien,
      raw.co_quan_co_tham_quyen,
      raw.co_quan_duoc_uy_quyen,
    ),
    address: cleanCell(raw.dia_chi_tiep_nhan),
    audience: parseAudience(raw.doi_tuong_thuc_hien),
    steps,
    methods: buildMethods(cells, stepsText),
    documents: docSection.documents,
    documentNotes: docSection.notes,
    legalBasis: parseLegalBasis(legalText),
    conditions: cleanCell(raw.yeu_cau_dieu_kien),
    result: parseResult(raw.ket_qua_xu_ly),
    url: cleanCell(raw.detail_url) || portalUrlForCode(code),
    source: DVC_SOURCE,
  };
  const failures = parseFieldFailures(procedure, {
    steps: stepsText,
    methods: raw.cach_thuc_thuc_hien,
    timeCells: cells.map((c) => c.time),
    documents: docsText,
    legal: legalText,
  });
  return { procedure, failures };
}
