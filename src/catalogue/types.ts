import { z } from "zod";

/** How a dossier can be submitted, with the time and fee the portal lists for that channel. */
export const submissionMethodSchema = z.object({
  channel: z.enum(["online", "post", "in_person"]),
  /** Processing time; null when the portal gives none we could read. */
  time: z
    .object({
      /** 0 when the record states no number (a sentence such as "ngay trước khi tàu rời cảng"). */
      amount: z.number().nonnegative(),
      /**
       * "ngày" | "giờ" | "tháng" | "năm" | "tuần" | "phút"; "" when the source gives a bare
       * number and nothing else in the record names its unit (never invented).
       */
      unit: z.string(),
      workingDays: z.boolean(),
      /** What the portal wrote: the time cell, or the sentence of the record that states it. */
      text: z.string(),
      /** The portal says "Không quy định": no time limit is set (amount 0, unit ""). */
      notRegulated: z.boolean().optional(),
    })
    .nullable(),
  /** Fee; null when the portal says nothing usable. */
  fee: z
    .object({
      text: z.string(),
      free: z.boolean(),
      /** Only when one amount in VND is stated explicitly. */
      amountVnd: z.number().nonnegative().optional(),
      /** The portal says "Không quy định phí, lệ phí": no fee is set. */
      notRegulated: z.boolean().optional(),
      /** Temporary reductions stated in the note ("… đến hết ngày 31/12/2026 … bằng 50%…"). */
      reductions: z
        .array(
          z.object({
            /** The sentence as the portal wrote it. */
            text: z.string(),
            /** ISO date (YYYY-MM-DD) the reduction starts, when stated. */
            from: z.string().optional(),
            /** ISO date (YYYY-MM-DD) of the last day it applies. */
            until: z.string(),
          }),
        )
        .optional(),
    })
    .nullable(),
  description: z.string(),
  /**
   * Stage of the procedure this row belongs to, from 1, when the portal lists successive stages
   * as repeated channel rows (each stage with its own time); absent for a single stage.
   */
  stage: z.number().int().positive().optional(),
});

export const documentSchema = z.object({
  name: z.string().min(1),
  /** e.g. "1 bản chính", "Bản chính: 1 - Bản sao: 0" */
  quantity: z.string().optional(),
  /** Form / template name (mẫu đơn, tờ khai) when one is attached. */
  form: z.string().optional(),
  /** Heading of the group the document belongs to (e.g. "Trường hợp trẻ em bị bỏ rơi"). */
  group: z.string().optional(),
});

export const legalBasisSchema = z.object({
  number: z.string(),
  title: z.string(),
});

export const procedureSchema = z.object({
  /** Mã thủ tục, e.g. "1.001193". Unique. */
  code: z.string().regex(/^\d\.\d{6}$/),
  name: z.string().min(1),
  field: z.string(),
  /** e.g. ["Cấp xã"], ["Cấp bộ", "Cấp tỉnh"] */
  levels: z.array(z.string()),
  decision: z.string(),
  /** Implementing / competent / receiving agencies as the portal names them. */
  agencies: z.array(z.string()),
  address: z.string(),
  audience: z.array(z.string()),
  steps: z.array(z.string()),
  methods: z.array(submissionMethodSchema),
  documents: z.array(documentSchema),
  /** Notes of the documents section ("Trường hợp…", "Lưu ý…"): not documents to bring. */
  documentNotes: z.array(z.string()),
  legalBasis: z.array(legalBasisSchema),
  conditions: z.string(),
  result: z.string(),
  url: z.string().url(),
  source: z.enum(["dvc-ministry-tthc", "bqp-structured-tthc"]),
});

export type SubmissionMethod = z.infer<typeof submissionMethodSchema>;
export type ProcedureDocument = z.infer<typeof documentSchema>;
export type LegalBasis = z.infer<typeof legalBasisSchema>;
export type Procedure = z.infer<typeof procedureSchema>;
