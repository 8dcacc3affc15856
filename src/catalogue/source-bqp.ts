import { z } from "zod";
import type { LegalBasis, Procedure } from "./types.ts";
import type { ImportFailure } from "./coverage.ts";
import { cleanCell } from "./cells.ts";
import { assembleDocuments, type DocumentRow } from "./document-items.ts";
import { parseFieldFailures } from "./field-failures.ts";
import { findDocumentNumbers } from "./parse-legal.ts";
import { parseAgencies, parseAudience, parseLevels } from "./parse-lists.ts";
import { buildMethods, channelOf, type MethodCells } from "./parse-methods.ts";
import { parseSteps } from "./parse-steps.ts";
import { portalUrlForCode } from "./portal.ts";

export const BQP_SOURCE = "bqp-structured-tthc";
export const BQP_FILE = "bqp-structured-tthc/procedures_bqp.jsonl.gz";

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? "");
const rows = <T extends z.ZodType>(row: T) =>
  z
    .array(row)
    .nullish()
    .transform((v) => v ?? []);

/** One line of procedures_bqp.jsonl.gz (source 4): tables already split into cells. */
export const bqpRawSchema = z.object({
  thu_tuc_id: text,
  metadata: z.object({
    mã_thủ_tục: text,
    tên_thủ_tục: text,
    số_quyết_định: text,
    cấp_thực_hiện: text,
    lĩnh_vực: text,
  }),
  content: z.object({
    trình_tự_thực_hiện: text,
    đối_tượng_thực_hiện: text,
    cơ_quan_thực_hiện: text,
    cơ_quan_có_thẩm_quyền: text,
    cơ_quan_được_ủy_quyền: text,
    địa_chỉ_tiếp_nhận_hs: text,
    kết_quả_thực_hiện: text,
    yêu_cầu_điều_kiện_thực_hiện: text,
  }),
  tables: z.object({
    hinh_thuc_nop: rows(
      z.object({ hinh_thuc: text, thoi_han_giai_quyet: text, phi_le_phi: text, mo_ta: text }),
    ),
    thanh_phan_ho_so: rows(z.object({ ten_giay_to: text, so_luong: text, ghi_chu: text })),
    can_cu_phap_ly: rows(z.object({ so_ky_hieu: text, trich_yeu: text })),
  }),
});
export type BqpRaw = z.infer<typeof bqpRawSchema>;

const FORM_FILE = /\.(?:docx?|pdf|xlsx?|rar|zip)$/iu;

/**
 * The source's "so_luong" column holds the attached form file ("5-PHLCII.doc") and "ghi_chu"
 * the quantity ("Bản chính: 1\nBản sao: 0", written here "Bản chính: 1 - Bản sao: 0").
 */
function documentRow(row: BqpRaw["tables"]["thanh_phan_ho_so"][number]): DocumentRow {
  const doc: DocumentRow = { name: cleanCell(row.ten_giay_to), table: 0 };
  const quantity = cleanCell(row.ghi_chu)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join(" - ");
  const second = cleanCell(row.so_luong);
  if (quantity) doc.quantity = quantity;
  if (second && FORM_FILE.test(second)) doc.form = second;
  else if (second && !doc.quantity) doc.quantity = second;
  return doc;
}

/**
 * "so_ky_hieu" is usually the number ("42/2024/QH15") but may be a bare "12", a labelled
 * "Thông tư số 104/2024/TT-BQP" or a name ("BỘ LUẬT HÀNG HẢI VIỆT NAM"); the number is then
 * looked for in the title.
 */
function mapLegal(row: BqpRaw["tables"]["can_cu_phap_ly"][number]): LegalBasis | null {
  const cell = cleanCell(row.so_ky_hieu);
  const title = cleanCell(row.trich_yeu);
  if (cell === "" && title === "") return null;
  const inTitle = findDocumentNumbers(title);
  const number =
    findDocumentNumbers(cell)[0] ??
    (/^\d+$/u.test(cell) ? inTitle.find((n) => n.startsWith(`${cell}/`)) : undefined) ??
    (cell === "" ? inTitle[0] : undefined) ??
    cell;
  return { number, title: title || cell };
}

/** Maps a source-4 record to a Procedure (not yet validated) and notes what did not parse. */
export function mapBqpRecord(raw: BqpRaw): { procedure: Procedure; failures: ImportFailure[] } {
  const code = (cleanCell(raw.metadata.mã_thủ_tục) || cleanCell(raw.thu_tuc_id)).trim();
  const c = raw.content;
  const cells: MethodCells[] = [];
  for (const row of raw.tables.hinh_thuc_nop) {
    const channel = channelOf(row.hinh_thuc);
    if (channel) {
      cells.push({
        channel,
        time: row.thoi_han_giai_quyet,
        fee: row.phi_le_phi,
        description: row.mo_ta,
      });
    }
  }
  const docSection = assembleDocuments(raw.tables.thanh_phan_ho_so.map(documentRow));
  const procedure: Procedure = {
    code,
    name: cleanCell(raw.metadata.tên_thủ_tục),
    field: cleanCell(raw.metadata.lĩnh_vực),
    levels: parseLevels(raw.metadata.cấp_thực_hiện),
    decision: cleanCell(raw.metadata.số_quyết_định).replace(/^Quyết định số\s*/iu, ""),
    agencies: parseAgencies(c.cơ_quan_thực_hiện, c.cơ_quan_có_thẩm_quyền, c.cơ_quan_được_ủy_quyền),
    address: cleanCell(c.địa_chỉ_tiếp_nhận_hs),
    audience: parseAudience(c.đối_tượng_thực_hiện),
    steps: parseSteps(c.trình_tự_thực_hiện),
    methods: buildMethods(cells, c.trình_tự_thực_hiện),
    documents: docSection.documents,
    documentNotes: docSection.notes,
    legalBasis: raw.tables.can_cu_phap_ly.map(mapLegal).filter((l) => l !== null),
    conditions: cleanCell(c.yêu_cầu_điều_kiện_thực_hiện),
    result: cleanCell(c.kết_quả_thực_hiện),
    // The source keeps no page address; the portal serves every procedure by its code.
    url: portalUrlForCode(code),
    source: BQP_SOURCE,
  };
  const failures = parseFieldFailures(procedure, {
    steps: c.trình_tự_thực_hiện,
    methods: raw.tables.hinh_thuc_nop.map((r) => r.hinh_thuc).join(" "),
    timeCells: raw.tables.hinh_thuc_nop.map((r) => r.thoi_han_giai_quyet),
    documents: raw.tables.thanh_phan_ho_so.map((r) => r.ten_giay_to).join(" "),
    legal: raw.tables.can_cu_phap_ly.map((r) => r.so_ky_hieu).join(" "),
  });
  return { procedure, failures };
}
