/** One digest message per group and tick, in Vietnamese, with one row of buttons per top item. */
import type { InlineKeyboardMarkup } from "grammy/types";
import type { ReminderKind } from "./planner.ts";
import type { Agency } from "./rules.ts";
import type { DeliveryRow } from "./store.ts";

export const KIND_LABELS: Record<ReminderKind, string> = {
  pakn_overdue: "PAKN quá hạn",
  pakn_due_soon: "PAKN sắp đến hạn",
  pakn_progress_due: "PAKN cần cập nhật tiến độ",
  pakn_result_record: "PAKN cần cập nhật kết quả",
  report: "Báo cáo định kỳ",
  custom: "Hạn khác",
};

export const vnDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

function urgency(daysLeft: number): string {
  if (daysLeft < 0) return `quá hạn ${-daysLeft} ngày làm việc`;
  if (daysLeft === 0) return "hạn hôm nay";
  return `còn ${daysLeft} ngày làm việc`;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export interface DigestItem {
  row: DeliveryRow;
  daysLeft: number;
}

export interface Digest {
  text: string;
  keyboard: InlineKeyboardMarkup;
}

const PAKN_KINDS: ReadonlySet<ReminderKind> = new Set([
  "pakn_overdue",
  "pakn_due_soon",
  "pakn_progress_due",
  "pakn_result_record",
]);

/** A case's page on the officials' desk: `<consoleUrl>/pakn/<ref>`. */
export const caseUrl = (consoleUrl: string, ref: string): string =>
  `${consoleUrl.replace(/\/+$/, "")}/pakn/${encodeURIComponent(ref)}`;

/** Callback data: "rm:<d|p|v>:<delivery id>" — short ASCII, never user text. */
export const callbackData = (action: "d" | "p" | "v", id: number) => `rm:${action}:${id}`;

export function renderDigest(
  items: readonly DigestItem[],
  agency: Agency | undefined,
  today: string,
  options: { top: number; consoleUrl?: string | undefined },
): Digest {
  const sorted = [...items].sort((a, b) => a.daysLeft - b.daysLeft || a.row.id - b.row.id);
  const counts = new Map<ReminderKind, number>();
  for (const i of sorted) counts.set(i.row.kind, (counts.get(i.row.kind) ?? 0) + 1);
  const name = agency ? `${agency.name} (${agency.code})` : (sorted[0]?.row.agency ?? "");
  const lines = [
    `🔔 Nhắc việc — ${name}`,
    `Ngày ${vnDate(today)}: ${sorted.length} việc cần chú ý`,
    [...counts].map(([k, n]) => `${KIND_LABELS[k]}: ${n}`).join(" · "),
    "",
  ];
  const top = sorted.slice(0, options.top);
  top.forEach((i, n) => {
    lines.push(
      `${n + 1}. [${KIND_LABELS[i.row.kind]}, ${urgency(i.daysLeft)}] ${clip(i.row.title, 160)}` +
        ` — hạn ${vnDate(i.row.due)}`,
    );
    // PAKN items link to their case page, where the whole case can be handled.
    if (options.consoleUrl && PAKN_KINDS.has(i.row.kind)) {
      lines.push(`   Mở hồ sơ: ${caseUrl(options.consoleUrl, i.row.item)}`);
    }
  });
  if (sorted.length > top.length) lines.push(`… và ${sorted.length - top.length} việc khác.`);
  if (options.consoleUrl) lines.push("", `Xem đầy đủ: ${options.consoleUrl}`);
  const keyboard: InlineKeyboardMarkup = {
    inline_keyboard: top.map((i, n) => [
      { text: `✅ Đã xử lý ${n + 1}`, callback_data: callbackData("d", i.row.id) },
      { text: `⏳ Đang xử lý ${n + 1}`, callback_data: callbackData("p", i.row.id) },
      { text: `🔎 Xem ${n + 1}`, callback_data: callbackData("v", i.row.id) },
    ]),
  };
  return { text: lines.join("\n"), keyboard };
}
