/**
 * What the model is shown of a procedure: its structured catalogue fields, trimmed, under
 * Vietnamese keys. Never the raw page text.
 */
import { clip, formatTime, isBlank, LABELS } from "../assistant/index.ts";
import { normalizeMoney } from "../assistant/index.ts";
import type { Procedure } from "../catalogue/index.ts";

export interface PromptRecord {
  ma: string;
  ten: string;
  linh_vuc?: string;
  cap_thuc_hien: string[];
  co_quan_thuc_hien?: string[];
  dia_chi?: string;
  doi_tuong?: string[];
  cach_thuc_nop: { hinh_thuc: string; thoi_han?: string; phi_le_phi?: string; mo_ta?: string }[];
  thanh_phan_ho_so: string[];
  so_giay_to_khong_hien?: number;
  trinh_tu_thuc_hien?: string[];
  dieu_kien?: string;
  ket_qua?: string;
  can_cu_phap_ly?: string[];
  duong_dan: string;
}

export interface RecordLimits {
  documents: number;
  steps: number;
  legal: number;
  /** Longest text of one field value. */
  text: number;
  /** Longest conditions text. */
  conditions: number;
}

export const DEFAULT_RECORD_LIMITS: RecordLimits = {
  documents: 15,
  steps: 8,
  legal: 5,
  text: 240,
  conditions: 600,
};

const present = (values: readonly string[], max: number) => [
  ...new Set(values.filter((v) => !isBlank(v)).map((v) => clip(v, max))),
];

function documentLine(d: Procedure["documents"][number], max: number): string {
  const parts = [d.group && !isBlank(d.group) ? `[${clip(d.group, 80)}] ` : "", clip(d.name, max)];
  if (d.quantity && !isBlank(d.quantity)) parts.push(` (${clip(d.quantity, 40)})`);
  if (d.form && !isBlank(d.form)) parts.push(` – mẫu: ${clip(d.form, 80)}`);
  return parts.join("");
}

/** The trimmed, structured view of one procedure for the prompt. */
export function toPromptRecord(
  p: Procedure,
  limits: RecordLimits = DEFAULT_RECORD_LIMITS,
): PromptRecord {
  const documents = p.documents.filter((d) => !isBlank(d.name));
  const record: PromptRecord = {
    ma: p.code,
    ten: clip(p.name, 300),
    cap_thuc_hien: p.levels,
    cach_thuc_nop: p.methods.map((m) => ({
      hinh_thuc: LABELS.channel[m.channel],
      ...optional("thoi_han", formatTime(m.time)),
      ...optional("phi_le_phi", m.fee ? clip(normalizeMoney(m.fee.text), limits.text) : null),
      ...optional("mo_ta", isBlank(m.description) ? null : clip(m.description, limits.text)),
    })),
    thanh_phan_ho_so: documents.slice(0, limits.documents).map((d) => documentLine(d, limits.text)),
    duong_dan: p.url,
  };
  if (!isBlank(p.field)) record.linh_vuc = p.field;
  const agencies = present(p.agencies, 160);
  if (agencies.length) record.co_quan_thuc_hien = agencies;
  if (!isBlank(p.address)) record.dia_chi = clip(p.address, limits.text);
  const audience = present(p.audience, 80);
  if (audience.length) record.doi_tuong = audience;
  if (documents.length > limits.documents) {
    record.so_giay_to_khong_hien = documents.length - limits.documents;
  }
  const steps = present(p.steps, limits.text).slice(0, limits.steps);
  if (steps.length) record.trinh_tu_thuc_hien = steps;
  if (!isBlank(p.conditions)) record.dieu_kien = clip(p.conditions, limits.conditions);
  if (!isBlank(p.result)) record.ket_qua = clip(p.result, limits.text);
  const legal = p.legalBasis
    .map((l) => [l.number, l.title].filter((s) => !isBlank(s)).join(" – "))
    .filter((s) => s.length > 0);
  if (legal.length) record.can_cu_phap_ly = present(legal, 200).slice(0, limits.legal);
  return record;
}

function optional<K extends string>(key: K, value: string | null): Partial<Record<K, string>> {
  return value === null ? {} : ({ [key]: value } as Record<K, string>);
}

/**
 * Every structured field of a procedure as text, untrimmed: what the grounding checks accept an
 * amount, a time or a document from.
 */
export function recordFactText(p: Procedure): string {
  const methods = p.methods.flatMap((m) => [
    m.time?.text ?? "",
    formatTime(m.time) ?? "",
    m.fee?.text ?? "",
    m.fee ? normalizeMoney(m.fee.text) : "",
    m.description,
  ]);
  return [
    p.name,
    p.field,
    ...p.levels,
    ...p.agencies,
    p.address,
    ...p.audience,
    ...p.steps,
    ...methods,
    ...p.documents.flatMap((d) => [d.name, d.quantity ?? "", d.form ?? "", d.group ?? ""]),
    ...p.legalBasis.flatMap((l) => [l.number, l.title]),
    p.conditions,
    p.result,
  ]
    .filter((s) => s.trim().length > 0)
    .join("\n");
}
