/**
 * The citizen's notification text for an outbox message, in Vietnamese. Channels may render the
 * payload their own way; this is the default.
 */
import { localDate } from "../calendar/index.ts";
import type { NotificationPayload } from "./outbox.ts";
import type { Status } from "./status.ts";

export const STATUS_LABELS: Record<Status, string> = {
  received: "Đã tiếp nhận",
  accepted: "Đã thụ lý",
  in_progress: "Đang xử lý",
  answered: "Đã có kết quả xử lý",
  closed: "Đã kết thúc",
  rejected: "Không thụ lý",
};

const vnDate = (iso: string) => {
  const [y, m, d] = localDate(new Date(iso)).split("-");
  return `${d}/${m}/${y}`;
};

export function renderNotification(p: NotificationPayload): string {
  const lines =
    p.event === "progress"
      ? [`Cập nhật tình hình xử lý phản ánh, kiến nghị ${p.ref}: ${STATUS_LABELS[p.status]}.`]
      : [`Phản ánh, kiến nghị ${p.ref}: ${STATUS_LABELS[p.status]}.`];
  if (p.note) lines.push(p.status === "rejected" ? `Lý do: ${p.note}` : p.note);
  if (p.status === "received" || p.status === "accepted" || p.status === "in_progress") {
    lines.push(`Thời hạn xử lý: ${vnDate(p.dueAt)}.`);
  }
  return lines.join("\n");
}
