import { Api } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTelegramChannel, type TelegramChannel } from "../../src/channels/index.ts";
import { createSqliteSql, type SqlDatabase } from "../../src/db/index.ts";
import type { FeedbackStore } from "../../src/feedback/index.ts";
import {
  createReminderDispatcher,
  createReminderGroupHandler,
  createReminderStore,
  createSendLimiter,
  createTelegramReminderSender,
  feedbackCases,
  runRemindersCommand,
  type ReminderStore,
} from "../../src/reminders/index.ts";
import { scriptedCore } from "../channels/helpers.ts";
import { clock, storeOn, tempDbFile, type Clock } from "../feedback/helpers.ts";
import {
  FAKE_BOT_INFO,
  FAKE_BOT_TOKEN,
  startFakeTelegram,
  type FakeTelegram,
} from "../helpers/fake-telegram.ts";
import { memoryLogger } from "../web/helpers.ts";
import { agencies, calendar, rules, vn } from "./helpers.ts";

const GROUP = -100500;
const OTHER = -100600;
let tg: FakeTelegram;
let sql: SqlDatabase;
let file: string;
let c: Clock;
let feedback: FeedbackStore;
let store: ReminderStore;
let channel: TelegramChannel;

const official = { id: 77, is_bot: false, first_name: "Nguyễn", last_name: "Văn A" };
const groupChat = (id: number) => ({ id, type: "supergroup", title: `Nhóm ${id}` });
const groupText = (chat: number, text: string) => ({
  message: {
    message_id: 1,
    date: 1_760_000_000,
    chat: groupChat(chat),
    from: official,
    text,
    entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }],
  },
});
const press = (chat: number, data: string) => ({
  callback_query: {
    id: `cb${Math.random()}`,
    from: official,
    chat_instance: "ci",
    data,
    message: {
      message_id: 9,
      date: 1_760_000_000,
      chat: groupChat(chat),
      from: { id: FAKE_BOT_INFO.id, is_bot: true, first_name: "bot" },
      text: "…",
    },
  },
});
const repliesTo = (chat: number) =>
  tg.callsOf("sendMessage").filter((m) => String(m.body.chat_id) === String(chat));

beforeEach(async () => {
  tg = await startFakeTelegram();
  file = tempDbFile();
  c = clock(vn("2026-01-05", "09:00"));
  sql = createSqliteSql({ file });
  feedback = storeOn(sql, c);
  store = createReminderStore(sql, agencies);
  channel = createTelegramChannel({
    token: FAKE_BOT_TOKEN,
    apiRoot: tg.apiRoot,
    botInfo: FAKE_BOT_INFO,
    core: scriptedCore(),
    logger: memoryLogger().logger,
    sql,
    pollingTimeoutSeconds: 1,
    groupHandlers: [createReminderGroupHandler({ store, agencies, feedback, now: c.now })],
  });
  await channel.start();
});

afterEach(async () => {
  await channel.stop();
  await tg.close();
  await sql.close();
});

describe("reminders through Telegram", () => {
  it("/dangky → staff approve → digest → button writes back to the PAKN store with an audit entry", async () => {
    tg.pushUpdate(groupText(GROUP, "/dangky x-ubnd"));
    await tg.waitFor((m) => m.method === "sendMessage" && String(m.body.chat_id) === String(GROUP));
    expect(await store.group(String(GROUP))).toMatchObject({
      status: "pending",
      agency: "X-UBND",
    });
    expect(await store.approvedLinks()).toEqual([]);

    const out: string[] = [];
    const code = await runRemindersCommand(["approve", String(GROUP), "--db", file], {
      database: () => ({ databaseFile: file }),
      now: c.now,
      out: (l) => out.push(l),
    });
    expect(code).toBe(0);
    expect(out).toEqual([`approved ${GROUP} → X-UBND`]);

    const filed = await feedback.fileCase({
      channel: "web",
      userId: "u1",
      text: "Cán bộ xã yêu cầu nộp thêm giấy tờ không có trong quy định.",
    });
    await feedback.assign(filed.ref, { agency: "UBND cấp xã", actor: "staff:test" });
    c.set(vn("2026-01-21"));
    const dispatcher = createReminderDispatcher({
      store,
      rules,
      calendar,
      agencies,
      cases: () => feedbackCases(feedback),
      sender: createTelegramReminderSender(new Api(FAKE_BOT_TOKEN, { apiRoot: tg.apiRoot })),
      limiter: createSendLimiter({ now: () => Date.now() }),
      now: c.now,
    });
    const result = await dispatcher.tick();
    expect(result.messages).toBe(1);
    const digest = repliesTo(GROUP).at(-1)!;
    expect(digest.body.text).toContain("PAKN sắp đến hạn");
    expect(digest.body.text).toContain(filed.ref);
    const keyboard = (
      digest.body.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }
    ).inline_keyboard;
    expect(keyboard[0]!.map((b) => b.text)).toEqual([
      "✅ Đã xử lý 1",
      "⏳ Đang xử lý 1",
      "🔎 Xem 1",
    ]);
    const done = keyboard[0]![0]!.callback_data;
    expect(done).toMatch(/^rm:d:\d+$/);

    // The same button pressed in another group does nothing.
    tg.pushUpdate(press(OTHER, done));
    await tg.waitFor((m) => m.method === "answerCallbackQuery");
    expect((await feedback.staffView(filed.ref)).status).toBe("received");
    expect(await store.actions()).toEqual([]);

    tg.pushUpdate(press(GROUP, done));
    await tg.waitForCount((m) => m.method === "answerCallbackQuery", 2);
    const view = await feedback.staffView(filed.ref);
    expect(view.status).toBe("answered");
    expect(view.history.at(-1)).toMatchObject({ actor: "staff:tg.77", to: "answered" });
    expect(await store.actions()).toEqual([
      expect.objectContaining({
        chat_id: String(GROUP),
        user_id: "77",
        user_name: "Nguyễn Văn A",
        action: "done",
        outcome: "ok",
      }),
    ]);

    // Nothing new due today: a second tick sends nothing.
    expect((await dispatcher.tick()).messages).toBe(0);

    tg.pushUpdate(groupText(GROUP, "/huydangky"));
    await tg.waitForCount(
      (m) => m.method === "sendMessage" && String(m.body.chat_id) === String(GROUP),
      3,
    );
    expect(await store.group(String(GROUP))).toBeUndefined();
  });

  it("rejects unknown agency codes and keeps a re-registration pending until approved", async () => {
    tg.pushUpdate(groupText(GROUP, "/dangky KHONGCO"));
    await tg.waitFor((m) => m.method === "sendMessage");
    expect(await store.group(String(GROUP))).toBeUndefined();
    await store.requestLink(String(GROUP), "X-UBND", null, "tg:1", c.now());
    await store.approve(String(GROUP), "cli", c.now());
    tg.pushUpdate(groupText(GROUP, "/dangky STP"));
    await tg.waitForCount((m) => m.method === "sendMessage", 2);
    expect(await store.group(String(GROUP))).toMatchObject({ status: "pending", agency: "STP" });
    expect(await store.approvedLinks()).toEqual([]);
  });
});
