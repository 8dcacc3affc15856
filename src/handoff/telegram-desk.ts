/**
 * The hotline staff group on Telegram. Each ticket is posted there with a "Nhận" button; with
 * forum topics enabled it gets its own topic, otherwise replies to its messages form the thread.
 * The first officer to press "Nhận" is assigned; what the assignee writes in the topic/thread goes
 * to the citizen; `/dong` closes the ticket. Only updates from the configured chat are taken: a
 * member of that group is a member of the hotline staff. A reply the citizen's platform has not
 * taken yet gets "⏳" in the thread (it is sent once the platform is back); a message given up
 * ("⚠️", with why and its text) tells the officer to reach the citizen another way.
 *
 *   const desk = createTelegramStaffDesk({ chatId, api: () => channels.telegram?.bot.api, handoff });
 *   handoff.addDesk(desk.desk);
 *   startChannels({ …, telegramGroupHandlers: [desk.handler] });
 */
import type { Api, Context } from "grammy";
import type { TelegramGroupHandler } from "../channels/index.ts";
import { createKeyedQueue } from "../util/index.ts";
import { HandoffError, type Handoff, type HandoffLogger, type StaffDesk } from "./service.ts";
import type { Ticket } from "./store.ts";

export interface TelegramStaffDeskOptions {
  chatId: number;
  /** The bot's API once the Telegram channel exists; undefined while it does not. */
  api: () => Api | undefined;
  handoff: Handoff;
  logger?: HandoffLogger;
}

export interface TelegramStaffDesk {
  handler: TelegramGroupHandler;
  desk: StaffDesk;
}

const CHANNEL_LABEL = { web: "Web", telegram: "Telegram", zalo: "Zalo" } as const;

const ERRORS: Record<HandoffError["code"], string> = {
  not_found: "Không tìm thấy phiếu.",
  closed: "Phiếu đã đóng.",
  assigned_to_other: "Phiếu do cán bộ khác phụ trách.",
  not_delivered: "Không chuyển được tin tới kênh của công dân (kênh chưa được cấu hình).",
  empty: "Tin nhắn trống.",
};

export function createTelegramStaffDesk(deps: TelegramStaffDeskOptions): TelegramStaffDesk {
  const { chatId, handoff } = deps;
  const { store } = handoff;
  const log = deps.logger ?? { warn() {}, error() {} };
  let forum: Promise<boolean> | null = null;

  const api = (): Api => {
    const a = deps.api();
    if (!a) throw new Error("telegram channel not started");
    return a;
  };
  /** Forum topics enabled in the staff group (asked once it has answered; a failure asks again). */
  const isForum = () => {
    forum ??= Promise.resolve()
      .then(() => api().getChat(chatId))
      .then(
        (chat) =>
          typeof chat === "object" &&
          chat !== null &&
          chat.type === "supergroup" &&
          chat.is_forum === true,
      )
      .catch(() => {
        forum = null;
        return false;
      });
    return forum;
  };

  /** Posts into the ticket's topic or thread and remembers the post as the ticket's. */
  async function post(ticket: Ticket, text: string, extra: Record<string, unknown> = {}) {
    const sent = await api().sendMessage(chatId, text, { ...where(ticket), ...extra });
    await store.addStaffPost(chatId, sent.message_id, ticket.id);
  }

  /** The ticket's topic, or a reply to its first post. */
  function where(ticket: Ticket) {
    return ticket.staffThreadId !== null
      ? { message_thread_id: ticket.staffThreadId }
      : ticket.staffMessageId !== null
        ? {
            reply_parameters: {
              message_id: ticket.staffMessageId,
              allow_sending_without_reply: true,
            },
          }
        : {};
  }

  const claimButton = (id: number) => ({
    inline_keyboard: [[{ text: "✋ Nhận", callback_data: `hnhan:${id}` }]],
  });

  const header = (t: Ticket) =>
    `🆘 Phiếu #${t.id} · ${CHANNEL_LABEL[t.channel]} · ${t.status === "waiting" ? "đang chờ" : t.status}`;

  const desk: StaffDesk = {
    source: "telegram",
    async ticketOpened(ticket) {
      const text = `${header(ticket)}\n${ticket.summary}\n\nBấm "Nhận" để phụ trách. Trả lời trong chủ đề này, hoặc trả lời (reply) tin nhắn này; /dong để kết thúc.`;
      let threadId: number | null = null;
      if (await isForum()) {
        try {
          const topic = await api().createForumTopic(
            chatId,
            `#${ticket.id} ${CHANNEL_LABEL[ticket.channel]}`,
          );
          if (typeof topic === "object" && topic !== null) threadId = topic.message_thread_id;
        } catch (err) {
          log.warn({ err }, "could not create a forum topic; using a reply thread");
        }
      }
      const sent = await api().sendMessage(chatId, text, {
        reply_markup: claimButton(ticket.id),
        ...(threadId !== null ? { message_thread_id: threadId } : {}),
      });
      await store.setStaffPost(ticket.id, chatId, sent.message_id, threadId);
    },
    async citizenWrote(ticket, text, attachment) {
      const fresh = (await store.get(ticket.id)) ?? ticket;
      await post(fresh, `💬 Công dân (#${ticket.id}): ${text}`);
      const from = attachment?.telegram;
      // Only from the ticket's own citizen chat.
      if (from && ticket.channel === "telegram" && String(from.chatId) === ticket.userId) {
        // The bot can copy what a citizen sent it: the officer sees the photo or file itself.
        const copied = await api().copyMessage(chatId, from.chatId, from.messageId, where(fresh));
        await store.addStaffPost(chatId, copied.message_id, ticket.id);
      }
    },
    async staffWrote(ticket, officerName, text, source) {
      await post(ticket, `👤 ${officerName} (${source}) → công dân: ${text}`);
    },
    async ticketClaimed(ticket) {
      await post(ticket, `✅ Phiếu #${ticket.id}: ${ticket.assigneeName ?? "cán bộ"} đã nhận.`);
    },
    async notDelivered(ticket, notice) {
      const channel = CHANNEL_LABEL[ticket.channel];
      await post(
        ticket,
        notice.kind === "queued"
          ? `⏳ Phiếu #${ticket.id}: ${channel} chưa nhận tin; tin đã được lưu và sẽ tự gửi lại, đúng thứ tự, khi kênh hoạt động lại.`
          : `⚠️ Phiếu #${ticket.id}: tin không tới được công dân (${notice.label}). Hãy liên hệ công dân cách khác (điện thoại, 1022). Nội dung: ${notice.text}`,
      );
    },
    async ticketClosed(ticket) {
      await post(ticket, `🔒 Phiếu #${ticket.id} đã đóng; bot tiếp tục trả lời công dân.`);
      if (ticket.staffThreadId !== null) {
        await api()
          .closeForumTopic(chatId, ticket.staffThreadId)
          .catch(() => undefined);
      }
    },
  };

  const officerOf = (ctx: Context) => {
    const from = ctx.from;
    if (!from || from.is_bot) return null;
    const name = [from.first_name, from.last_name].filter(Boolean).join(" ") || `#${from.id}`;
    return { id: `tg:${from.id}`, name, source: "telegram" };
  };

  /** The ticket a staff message belongs to: its topic, or the message it replies to. */
  async function ticketOf(ctx: Context): Promise<Ticket | undefined> {
    const msg = ctx.message;
    if (!msg) return undefined;
    const replyTo = msg.reply_to_message?.message_id;
    if (replyTo !== undefined) {
      const byPost = await store.ticketForPost(chatId, replyTo);
      if (byPost) return byPost;
    }
    if (msg.is_topic_message && msg.message_thread_id !== undefined) {
      return store.ticketForThread(chatId, msg.message_thread_id);
    }
    return undefined;
  }

  async function act(ctx: Context): Promise<void> {
    const officer = officerOf(ctx);
    if (!officer) return;
    const data = ctx.callbackQuery?.data;
    if (data !== undefined) {
      const m = /^hnhan:(\d{1,12})$/.exec(data);
      if (!m) return;
      try {
        const t = await handoff.claim(Number(m[1]), officer);
        await ctx.answerCallbackQuery({ text: `Bạn phụ trách phiếu #${t.id}.` });
      } catch (err) {
        if (!(err instanceof HandoffError)) throw err;
        await ctx.answerCallbackQuery({ text: ERRORS[err.code], show_alert: true });
      }
      return;
    }
    const text = ctx.message?.text;
    if (text === undefined) return;
    const ticket = await ticketOf(ctx);
    if (!ticket) return;
    try {
      if (/^\/dong(?:@\w+)?(?:\s|$)/i.test(text)) await handoff.close(ticket.id, officer);
      else if (!text.startsWith("/")) await handoff.reply(ticket.id, officer, text);
    } catch (err) {
      if (!(err instanceof HandoffError)) throw err;
      await post(ticket, `⚠️ ${ERRORS[err.code]}`);
    }
  }

  // Staff updates are taken one after another, in the order they arrive: replies reach the
  // citizen in the order they were written.
  const updates = createKeyedQueue<number>();
  const handler: TelegramGroupHandler = (ctx) => {
    if (ctx.chat?.id !== chatId) return Promise.resolve(false);
    return updates.run(chatId, () => act(ctx)).then(() => true);
  };
  return { handler, desk };
}
