// Forum topics in the staff group: a topic per ticket, staff messages in it go to the citizen.
import type { Api, Context } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { createTelegramStaffDesk } from "../../src/handoff/telegram-desk.ts";
import { makeHandoffHarness, type HandoffHarness } from "./helpers.ts";

const STAFF = -100_42;
let h: HandoffHarness | null = null;
afterEach(() => {
  h?.close();
  h = null;
});

function fakeApi() {
  const calls: { method: string; args: unknown[] }[] = [];
  let id = 900;
  const api = {
    getChat: async () => ({ id: STAFF, type: "supergroup", is_forum: true }),
    createForumTopic: async (...args: unknown[]) => {
      calls.push({ method: "createForumTopic", args });
      return { message_thread_id: 77, name: "#1", icon_color: 0 };
    },
    sendMessage: async (...args: unknown[]) => {
      calls.push({ method: "sendMessage", args });
      return { message_id: id++ };
    },
    closeForumTopic: async (...args: unknown[]) => {
      calls.push({ method: "closeForumTopic", args });
      return true;
    },
  };
  return { api: api as unknown as Api, calls };
}

const ctxOf = (chatId: number, fromId: number, text: string, threadId?: number) =>
  ({
    chat: { id: chatId, type: "supergroup" },
    from: { id: fromId, is_bot: false, first_name: `CB${fromId}` },
    message: {
      message_id: 1,
      text,
      ...(threadId !== undefined ? { is_topic_message: true, message_thread_id: threadId } : {}),
    },
    answerCallbackQuery: async () => true,
  }) as unknown as Context;

describe("staff group with forum topics", () => {
  it("opens a topic per ticket; the topic is the thread; other chats are ignored", async () => {
    h = makeHandoffHarness();
    const { api, calls } = fakeApi();
    const desk = createTelegramStaffDesk({ chatId: STAFF, api: () => api, handoff: h.handoff });
    h.handoff.addDesk(desk.desk);
    await h.say("gặp tổng đài viên");
    expect(calls[0]?.method).toBe("createForumTopic");
    expect(calls[1]?.args[2]).toMatchObject({ message_thread_id: 77 });
    expect((await h.handoff.store.get(1))?.staffThreadId).toBe(77);

    expect(await desk.handler(ctxOf(-1, 7, "xin chào", 77))).toBe(false);
    expect(await desk.handler(ctxOf(STAFF, 7, "Chào anh", 77))).toBe(true);
    expect(h.sent.map((s) => s.message.text)).toContain("👤 Tổng đài viên: Chào anh");
    await h.say("cảm ơn");
    expect(calls.at(-1)?.args[2]).toMatchObject({ message_thread_id: 77 });
    await desk.handler(ctxOf(STAFF, 7, "/dong", 77));
    expect((await h.handoff.store.get(1))?.status).toBe("closed");
    expect(calls.some((c) => c.method === "closeForumTopic")).toBe(true);
  });
});

describe("staff group forum detection", () => {
  it("asks again after a failed first check instead of falling back to threads for good", async () => {
    h = makeHandoffHarness();
    const { api, calls } = fakeApi();
    let failures = 1;
    const flaky = {
      ...api,
      getChat: async () => {
        if (failures-- > 0) throw new Error("telegram hiccup");
        return { id: STAFF, type: "supergroup", is_forum: true };
      },
    } as unknown as Api;
    const desk = createTelegramStaffDesk({ chatId: STAFF, api: () => flaky, handoff: h.handoff });
    h.handoff.addDesk(desk.desk);
    await h.say("gặp tổng đài viên");
    // The first ticket went to a reply thread (the check failed) …
    expect(calls.some((c) => c.method === "createForumTopic")).toBe(false);
    await h.handoff.close(1, { id: "web:lan", name: "lan", source: "web" });
    // … the same desk asks again for the next ticket, and it gets its topic.
    await h.say("gặp tổng đài viên");
    expect(calls.some((c) => c.method === "createForumTopic")).toBe(true);
  });
});
