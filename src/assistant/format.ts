/** Small pure formatters for the structured catalogue fields (fees, times, lists). */
import type { SubmissionMethod } from "../catalogue/index.ts";
import { foldAccents } from "../text/index.ts";
import type { Aspect } from "./types.ts";

export type Channel = SubmissionMethod["channel"];

/** Display vocabulary (not prose: the sentences live in prompts/answers/*.txt). */
export const LABELS = {
  channel: { online: "Trực tuyến", post: "Qua bưu chính", in_person: "Trực tiếp" },
  workingDays: "làm việc",
  noTimeLimit: "Không quy định thời hạn",
  noUnit: "(trang thủ tục không ghi đơn vị thời gian)",
  stage: "Giai đoạn",
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
  original: "bản chính",
  copy: "bản sao",
  items: { documents: "giấy tờ", steps: "bước", legal: "văn bản" },
  submit: {
    online: "trực tuyến qua đường link bên dưới",
    post: "qua bưu chính",
    inPerson: "trực tiếp",
    inPersonAt: "trực tiếp tại",
  },
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

/**
 * "5 ngày làm việc", "24 giờ"; "Không quy định thời hạn"; a time the portal wrote as a sentence,
 * as written; a bare number with the note that the portal gives no unit. Null when the catalogue
 * gives no usable time.
 */
export function formatTime(time: SubmissionMethod["time"]): string | null {
  if (!time) return null;
  if (time.notRegulated) return LABELS.noTimeLimit;
  if (!(time.amount > 0)) return isBlank(time.text) ? null : clip(time.text, 200);
  const unit = time.unit.trim();
  if (unit === "") return `${formatNumber(time.amount)} ${LABELS.noUnit}`;
  const working = time.workingDays && (unit === "ngày" || unit === "giờ");
  return `${formatNumber(time.amount)} ${unit}${working ? ` ${LABELS.workingDays}` : ""}`;
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
  const byText = new Map<string, Channel[]>();
  for (const r of rendered) byText.set(r.text, [...(byText.get(r.text) ?? []), r.channel]);
  if (byText.size === 1) return rendered[0]?.text ?? null;
  // Channels saying the same are named together: "Trực tuyến, Trực tiếp: …; Qua bưu chính: …".
  return [...byText]
    .map(([text, channels]) => `${channels.map((c) => LABELS.channel[c]).join(", ")}: ${text}`)
    .join("; ");
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
