import { z } from "zod";

/** How a dossier can be submitted, with the time and fee the portal lists for that channel. */
export const submissionMethodSchema = z.object({
  channel: z.enum(["online", "post", "in_person"]),
  /** Processing time; null when the portal gives none we could parse. */
  time: z
    .object({
      amount: z.number().nonnegative(),
      /** "ngày" | "giờ" | "tháng" | "năm" | "tuần" | "phút" */
      unit: z.string(),
      workingDays: z.boolean(),
      /** The time cell as the portal wrote it (normalized text). */
      text: z.string(),
    })
    .nullable(),
  /** Fee; null when the portal says nothing usable. */
  fee: z
    .object({
      text: z.string(),
      free: z.boolean(),
      /** Only when one amount in VND is stated explicitly. */
      amountVnd: z.number().nonnegative().optional(),
    })
    .nullable(),
  description: z.string(),
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
