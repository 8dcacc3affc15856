/** Small pure formatters for the structured catalogue fields (fees, times, lists). */
import type { SubmissionMethod } from "../catalogue/types.ts";
import { foldAccents } from "../text/normalize.ts";
import type { Aspect } from "./types.ts";

export type Channel = SubmissionMethod["channel"];

/** Display vocabulary (not prose: the sentences live in prompts/answers/*.txt). */
export const LABELS = {
  channel: { online: "Trực tuyến", post: "Qua bưu chính", in_person: "Trực tiếp" },
  free: "Miễn phí",
  currency: "đồng",
  workingDays: "làm việc",
  dependsOnCase: "tùy trường hợp",
  or: "hoặc",
  /** What the catalogue lacks, for prompts/answers/missing.txt. */
  field: {
    documents: "thành phần hồ sơ",
    fee: "phí, lệ phí",
    time: "thời hạn giải quyết",
    where: "cơ quan thực hiện và nơi nộp hồ sơ",
    how: "cách thức nộp hồ sơ",
    steps: "trình tự thực hiện",
    conditions: "yêu cầu, điều kiện",
    result: "kết quả thực hiện",
    legal: "căn cứ pháp lý",
    overview: "thủ tục",
  } satisfies Record<Aspect, string>,
  items: { documents: "giấy tờ", steps: "bước", legal: "văn bản" },
} as const;

/** One line of white space; cut at a word boundary with "…" when longer than max. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, Math.max(1, max - 1));
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.–-]+$/, "")}…`;
}

/** True for empty text and the portal's "Không có thông tin" filler. */
export function isBlank(text: string | undefined | null): boolean {
  if (!text) return true;
  const f = foldAccents(text)
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
  return f === "" || f === "khong co thong tin" || f === "dang cap nhat";
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 }).format(n);
}

/** "5 ngày làm việc", "24 giờ"; null when the catalogue gives no usable time. */
export function formatTime(time: SubmissionMethod["time"]): string | null {
  if (!time) return null;
  if (!(time.amount > 0)) return isBlank(time.text) ? null : clip(time.text, 80);
  const unit = time.unit.trim() || "ngày";
  const working = time.workingDays && (unit === "ngày" || unit === "giờ");
  return `${formatNumber(time.amount)} ${unit}${working ? ` ${LABELS.workingDays}` : ""}`;
}

/** "Miễn phí", the fee as the portal wrote it, or "50.000 đồng"; null when unknown. */
export function formatFee(fee: SubmissionMethod["fee"]): string | null {
  if (!fee) return null;
  if (fee.free) return LABELS.free;
  if (!isBlank(fee.text)) {
    if (fee.text.length > 160 && fee.amountVnd !== undefined) {
      return `${formatNumber(fee.amountVnd)} ${LABELS.currency} (${LABELS.dependsOnCase})`;
    }
    return clip(fee.text, 160);
  }
  if (fee.amountVnd !== undefined) return `${formatNumber(fee.amountVnd)} ${LABELS.currency}`;
  return null;
}

/**
 * One value per channel, "Trực tuyến: Miễn phí; Trực tiếp: 50.000 đồng", or the single value when
 * every channel says the same. Null when no channel has a value.
 */
export function perChannel(
  methods: readonly SubmissionMethod[],
  pick: (m: SubmissionMethod) => string | null,
  unknown: string,
): string | null {
  const byChannel = new Map<Channel, string[]>();
  let any = false;
  for (const m of methods) {
    const values = byChannel.get(m.channel) ?? [];
    byChannel.set(m.channel, values);
    const v = pick(m);
    if (v !== null) {
      any = true;
      if (!values.includes(v)) values.push(v);
    }
  }
  if (!any) return null;
  const rendered = [...byChannel].map(([channel, values]) => {
    const shown = values.slice(0, 3);
    const text =
      shown.length === 0
        ? unknown
        : shown.length === 1
          ? (shown[0] ?? "")
          : `${shown.join(` ${LABELS.or} `)} (${LABELS.dependsOnCase})`;
    return { channel, text };
  });
  const distinct = new Set(rendered.map((r) => r.text));
  if (distinct.size === 1) return rendered[0]?.text ?? null;
  return rendered.map((r) => `${LABELS.channel[r.channel]}: ${r.text}`).join("; ");
}

/** Distinct channel labels in catalogue order: "Trực tuyến, Trực tiếp". */
export function channelList(methods: readonly SubmissionMethod[]): string {
  return [...new Set(methods.map((m) => LABELS.channel[m.channel]))].join(", ");
}

export interface ListEntry {
  text: string;
  /** Headings (a case of the documents list) are shown but not counted. */
  heading?: boolean;
}

/**
 * Lines that fit in maxChars and maxItems; when some are left out the last line is
 * more(count), e.g. "… và 7 giấy tờ khác".
 */
export function fitList(
  entries: readonly ListEntry[],
  opts: { maxItems: number; maxChars: number; more: (count: number) => string },
): { text: string; shown: number; total: number } {
  const total = entries.filter((e) => !e.heading).length;
  const lines: string[] = [];
  let used = 0;
  let shown = 0;
  for (const [i, e] of entries.entries()) {
    if (!e.heading && shown >= opts.maxItems) break;
    const reserve = i < entries.length - 1 ? 70 : 0;
    if (used + e.text.length + 1 + reserve > opts.maxChars && shown > 0) break;
    lines.push(e.text);
    used += e.text.length + 1;
    if (!e.heading) shown++;
  }
  while (lines.length > 0 && entries[lines.length - 1]?.heading) lines.pop();
  if (shown < total) lines.push(opts.more(total - shown));
  return { text: lines.join("\n"), shown, total };
}
