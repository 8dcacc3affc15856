/**
 * Telegram side of the reminders: the sender the dispatcher uses (a plain grammY Api: 429s are
 * handled by the dispatcher's limiter, not by sleeping inside the client), and one group handler
 * for /dangky <agency code>, /huydangky and the digest's buttons.
 *
 * Buttons write back to the PAKN store as "staff:tg.<user id>" (the case history is the audit);
 * every press is also recorded in reminder_actions with the official's Telegram id and name. A
 * press counts only in the group the digest was sent to, and only while that group is approved.
 */
import type { Api, Context } from "grammy";
import type { TelegramGroupHandler } from "../channels/index.ts";
import { STATUS_LABELS, type FeedbackStore, type Status } from "../feedback/index.ts";
import type { Logger } from "../logger.ts";
import type { ReminderSender } from "./dispatcher.ts";
import { KIND_LABELS, vnDate } from "./digest.ts";
import type { Agency } from "./rules.ts";
import type { DeliveryRow, ReminderStore } from "./store.ts";

export function createTelegramReminderSender(api: Api): ReminderSender {
  return {
    async send(chatId, text, keyboard) {
      const m = await api.sendMessage(chatId, text, {
        ...(keyboard && keyboard.inline_keyboard.length > 0 ? { reply_markup: keyboard } : {}),
        link_preview_options: { is_disabled: true },
      });
      return { messageId: m.message_id };
    },
  };
}

export type ReminderFeedback = Pick<FeedbackStore, "staffView" | "changeStatus" | "addProgress">;

export interface ReminderGroupHandlerOptions {
  store: ReminderStore;
  agencies: readonly Agency[];
  /** The PAKN store the buttons write to; absent: they answer that it is not available. */
  feedback?: ReminderFeedback;
  now: () => Date;
  logger?: Logger;
}

/** Shown to the citizen when an official marks a case handled from a reminder. */
export const DONE_NOTE =
  "Cơ quan có thẩm quyền đã xử lý xong phản ánh, kiến nghị; kết quả được gửi theo văn bản trả lời.";
export const PROGRESS_NOTE = "Cơ quan có thẩm quyền đang xử lý phản ánh, kiến nghị.";

const COMMAND = /^\/(dangky|huydangky)(?:@([A-Za-z0-9_]+))?(?:\s+(.*))?$/s;
const CALLBACK = /^rm:([dpv]):(\d{1,12})$/;

export function createReminderGroupHandler(
  deps: ReminderGroupHandlerOptions,
): TelegramGroupHandler {
  const { store, now } = deps;
  const byCode = new Map(deps.agencies.map((a) => [a.code, a]));

  async function command(ctx: Context, name: string, arg: string): Promise<void> {
    const chatId = String(ctx.chat!.id);
    if (name === "huydangky") {
      const had = await store.unlink(chatId);
      await ctx.reply(
        had ? "Đã hủy đăng ký nhận nhắc việc cho nhóm này." : "Nhóm này chưa đăng ký.",
      );
      return;
    }
    const code = arg.trim().toUpperCase();
    const agency = byCode.get(code);
    if (!agency) {
      await ctx.reply(
        "Cú pháp: /dangky <mã cơ quan>, ví dụ /dangky STP. Mã không có trong danh bạ.",
      );
      return;
    }
    const current = await store.group(chatId);
    if (current?.status === "approved" && current.agency === code) {
      await ctx.reply(`Nhóm đã nhận nhắc việc của ${agency.name}.`);
      return;
    }
    const title = ctx.chat && "title" in ctx.chat ? (ctx.chat.title ?? null) : null;
    await store.requestLink(chatId, code, title, `tg:${ctx.from?.id ?? "?"}`, now());
    await ctx.reply(
      `Đã ghi nhận đề nghị nhận nhắc việc của ${agency.name} (${code}). ` +
        `Cán bộ quản trị sẽ phê duyệt; mã nhóm: ${chatId}.`,
    );
  }

  /** The action on a PAKN case; returns the toast text. */
  async function paknAction(d: DeliveryRow, action: "d" | "p", actor: string): Promise<string> {
    const feedback = deps.feedback;
    if (!feedback) return "Hàng đợi PAKN không khả dụng.";
    let view = await feedback.staffView(d.item);
    const to = async (status: Status, note?: string) => {
      view = await feedback.changeStatus(d.item, {
        to: status,
        actor,
        expectedVersion: view.version,
        ...(note ? { note } : {}),
      });
    };
    if (action === "p") {
      if (view.status === "received") await to("accepted");
      if (view.status === "accepted") await to("in_progress");
      else if (view.status === "in_progress") {
        view = await feedback.addProgress(d.item, {
          actor,
          note: PROGRESS_NOTE,
          expectedVersion: view.version,
        });
      } else return `${d.item}: ${STATUS_LABELS[view.status]}.`;
      return `${d.item}: đã ghi nhận đang xử lý.`;
    }
    if (view.status === "answered") {
      await to("closed");
      return `${d.item}: đã ghi nhận cập nhật kết quả.`;
    }
    if (view.status === "received") await to("accepted");
    if (view.status === "accepted" || view.status === "in_progress") {
      await to("answered", DONE_NOTE);
      return `${d.item}: đã ghi nhận đã xử lý.`;
    }
    return `${d.item}: ${STATUS_LABELS[view.status]}.`;
  }

  async function view(d: DeliveryRow): Promise<string> {
    if (d.kind.startsWith("pakn_") && deps.feedback) {
      const v = await deps.feedback.staffView(d.item);
      return `${v.ref} · ${STATUS_LABELS[v.status]} · hạn ${vnDate(v.dueAt.slice(0, 10))}\n${v.preview}`;
    }
    return `${KIND_LABELS[d.kind]}: ${d.title} — hạn ${vnDate(d.due)}`;
  }

  async function button(ctx: Context, action: "d" | "p" | "v", id: number): Promise<void> {
    const chatId = String(ctx.chat!.id);
    const [d, group] = await Promise.all([store.delivery(id), store.group(chatId)]);
    if (!d || d.chat_id !== chatId || group?.status !== "approved" || !ctx.from) {
      await ctx.answerCallbackQuery({ text: "Nút này không còn hiệu lực." });
      return;
    }
    const user = ctx.from;
    const userName = [user.first_name, user.last_name].filter(Boolean).join(" ").slice(0, 100);
    const actor = `staff:tg.${user.id}`;
    let text: string;
    let outcome: string;
    try {
      if (action === "v") {
        text = await view(d);
      } else if (d.kind.startsWith("pakn_")) {
        text = await paknAction(d, action, actor);
      } else if (action === "d") {
        await store.markDone(d.agency, d.kind, d.item, d.period.split("@")[0]!, actor, now());
        text = "Đã ghi nhận đã xử lý: không nhắc lại việc này.";
      } else {
        text = "Đã ghi nhận đang xử lý.";
      }
      outcome = "ok";
    } catch (err) {
      outcome = `error:${(err as Error).name}`;
      text = "Không cập nhật được (trạng thái đã thay đổi?). Vui lòng xem trên trang quản trị.";
      deps.logger?.warn({ err: (err as Error).name, delivery: id }, "reminder button failed");
    }
    const names = { d: "done", p: "progress", v: "view" } as const;
    await store.audit({
      delivery_id: d.id,
      chat_id: chatId,
      user_id: String(user.id),
      user_name: userName,
      action: names[action],
      outcome,
      at: now().toISOString(),
    });
    await ctx.answerCallbackQuery({ text: text.slice(0, 200), show_alert: action === "v" });
  }

  return async (ctx) => {
    if (!ctx.chat || ctx.chat.type === "private" || ctx.chat.type === "channel") return false;
    const data = ctx.callbackQuery?.data;
    if (data !== undefined) {
      const m = CALLBACK.exec(data);
      if (!m) return false;
      await button(ctx, m[1] as "d" | "p" | "v", Number(m[2]));
      return true;
    }
    const text = ctx.message?.text;
    if (!text) return false;
    const m = COMMAND.exec(text.trim());
    if (!m) return false;
    const mention = m[2];
    if (mention && ctx.me.username && mention.toLowerCase() !== ctx.me.username.toLowerCase()) {
      return false;
    }
    await command(ctx, m[1]!, m[3] ?? "");
    return true;
  };
}
