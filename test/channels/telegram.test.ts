import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createTelegramChannel,
  normalizeCommand,
  type TelegramChannel,
  type TelegramChannelOptions,
} from "../../src/channels/telegram.ts";
import { splitMessage, TELEGRAM_TEXT_LIMIT } from "../../src/channels/split.ts";
import { APOLOGY_TEXT } from "../../src/channels/turn.ts";
import type { Database, SqlDatabase } from "../../src/db/index.ts";
import { PermanentDeliveryError } from "../../src/feedback/index.ts";
import {
  FAKE_BOT_INFO,
  FAKE_BOT_TOKEN,
  startFakeTelegram,
  type FakeTelegram,
  type TelegramCall,
} from "../helpers/fake-telegram.ts";
import { memoryLogger } from "../web/helpers.ts";
import {
  count,
  deferred,
  DETAIL,
  LONG_TEXT,
  PORTAL_URL,
  scriptedCore,
  sqlOn,
  tempDb,
  words,
  type ScriptedCore,
} from "./helpers.ts";

let tg: FakeTelegram;
let core: ScriptedCore;
let logs: ReturnType<typeof memoryLogger>;
let channel: TelegramChannel | null = null;
let db: Database;
let sql: SqlDatabase;

beforeEach(async () => {
  tg = await startFakeTelegram();
  core = scriptedCore();
  logs = memoryLogger();
  db = tempDb();
  sql = sqlOn(db);
});

afterEach(async () => {
  await channel?.stop();
  channel = null;
  await tg.close();
  await sql.close();
  db.close();
});

function polling(extra: Partial<TelegramChannelOptions> = {}): TelegramChannel {
  channel = createTelegramChannel({
    token: FAKE_BOT_TOKEN,
    apiRoot: tg.apiRoot,
    botInfo: FAKE_BOT_INFO,
    core,
    logger: logs.logger,
    sql,
    pollingTimeoutSeconds: 1,
    ...extra,
  });
  return channel;
}

const sentTo = (chatId: number) => (c: TelegramCall) =>
  c.method === "sendMessage" && c.body.chat_id === chatId;
const textOf = (c: TelegramCall) => c.body.text as string;
const keyboardOf = (c: TelegramCall) =>
  (c.body.reply_markup as { inline_keyboard?: { text: string; callback_data: string }[][] })
    ?.inline_keyboard;

describe("Telegram channel, long polling", () => {
  it("drives a conversation: question → choices → button press → answer → rating", async () => {
    await polling().start();
    expect(tg.callsOf("deleteWebhook")).toHaveLength(1);
    expect(tg.callsOf("setMyCommands")[0]!.body.commands).toContainEqual({
      command: "trangthai",
      description: expect.any(String),
    });

    tg.pushText(42, "/start");
    const hello = await tg.waitFor(sentTo(42));
    expect(textOf(hello)).toContain("Xin chào");

    tg.pushText(42, "đăng ký khai sinh cho con");
    const [, choices] = await tg.waitForCount(sentTo(42), 2);
    expect(textOf(choices!)).toBe("Bạn muốn hỏi thủ tục nào?");
    // One button per row as the core gave them; the non-ASCII action is left out.
    expect(keyboardOf(choices!)).toEqual([
      [{ text: "1. Đăng ký khai sinh", callback_data: "pick:1.001193" }],
      [{ text: "2. Đăng ký khai sinh có yếu tố nước ngoài", callback_data: "pick:1.001695" }],
    ]);

    tg.pushCallback(42, "pick:1.001193");
    const [, , detail] = await tg.waitForCount(sentTo(42), 3);
    expect(textOf(detail!)).toBe(DETAIL.text);
    expect(textOf(detail!)).toContain(PORTAL_URL);
    expect(keyboardOf(detail!)).toEqual([
      [
        { text: "👍", callback_data: "rate:up:a1" },
        { text: "👎", callback_data: "rate:down:a1" },
      ],
    ]);
    expect(tg.callsOf("answerCallbackQuery")).toHaveLength(1);

    tg.pushCallback(42, "rate:down:a1");
    const [, , , thanks] = await tg.waitForCount(sentTo(42), 4);
    expect(textOf(thanks!)).toContain("Cảm ơn");

    expect(core.calls).toEqual([
      { channel: "telegram", userId: "42", text: "/start", displayName: "U42" },
      {
        channel: "telegram",
        userId: "42",
        text: "đăng ký khai sinh cho con",
        displayName: "U42",
      },
      { channel: "telegram", userId: "42", action: "pick:1.001193" },
      { channel: "telegram", userId: "42", action: "rate:down:a1" },
    ]);
    // Plain text: no parse mode anywhere, callback data never longer than 64 bytes.
    for (const call of tg.callsOf("sendMessage")) {
      expect(call.body.parse_mode).toBeUndefined();
      for (const row of keyboardOf(call) ?? []) {
        for (const b of row) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
      }
    }
  });

  it("splits a long answer at 4096 characters, buttons on the last piece", async () => {
    await polling().start();
    tg.pushText(7, "dài");
    await core.received((m) => m.text === "dài");
    const pieces = await tg.waitForCount(sentTo(7), 3);
    await channel!.idle();
    expect(tg.calls.filter(sentTo(7))).toHaveLength(3);
    for (const p of pieces) expect(textOf(p).length).toBeLessThanOrEqual(4096);
    expect(words(pieces.map(textOf))).toEqual(words([LONG_TEXT]));
    expect(pieces.map((p) => keyboardOf(p) !== undefined)).toEqual([false, false, true]);
  });

  it("passes commands to the core without the bot's name; answers non-text politely", async () => {
    expect(normalizeCommand("/hotro@MotcuaTestBot ngay", "MotcuaTestBot")).toBe("/hotro ngay");
    expect(normalizeCommand("/hotro@OtherBot", "MotcuaTestBot")).toBe("/hotro@OtherBot");
    await polling().start();
    tg.pushText(5, "/trangthai@MotcuaTestBot");
    await tg.waitFor(sentTo(5));
    expect(core.calls[0]!.text).toBe("/trangthai");

    tg.pushUpdate({
      update_id: 900,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: 5, type: "private", first_name: "U5" },
        from: { id: 5, is_bot: false, first_name: "U5" },
        sticker: { file_id: "x", file_unique_id: "y", width: 1, height: 1, type: "regular" },
      },
    });
    tg.pushUpdate({
      update_id: 902,
      message: {
        message_id: 2,
        date: 1,
        chat: { id: 5, type: "private", first_name: "U5" },
        from: { id: 5, is_bot: false, first_name: "U5" },
        photo: [{ file_id: "p", file_unique_id: "q", width: 90, height: 90 }],
        caption: "giấy tờ của tôi",
      },
    });
    await core.received((c) => c.attachment !== undefined, 2);
    // Non-text messages reach the core (it answers them, or relays them in a hand-over).
    expect(core.calls.slice(1).map((c) => c.attachment)).toEqual([
      { kind: "sticker", telegram: { chatId: 5, messageId: 1 } },
      { kind: "photo", caption: "giấy tờ của tôi", telegram: { chatId: 5, messageId: 2 } },
    ]);
  });

  it("ignores group chats (officials' groups are not served yet)", async () => {
    await polling().start();
    tg.pushUpdate({
      update_id: 901,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: -100, type: "group", title: "UBND" },
        from: { id: 9, is_bot: false, first_name: "A" },
        text: "khai sinh",
      },
    });
    tg.pushText(6, "xin chào");
    await tg.waitFor(sentTo(6));
    expect(core.calls.map((c) => c.userId)).toEqual(["6"]);
  });

  it("apologises when the core fails, and logs no token nor the citizen's text", async () => {
    await polling().start();
    tg.pushText(8, "boom");
    const reply = await tg.waitFor(sentTo(8));
    expect(textOf(reply)).toBe(APOLOGY_TEXT);
    const log = logs.text();
    expect(log).toContain("dialogue core failed");
    expect(log).not.toContain(FAKE_BOT_TOKEN);
    expect(log).not.toContain('"8"');
  });

  it("retries 429 per retry_after and 5xx (auto-retry)", async () => {
    await polling().start();
    tg.failNext("sendMessage", { status: 429, retryAfter: 0, description: "Too Many Requests" });
    tg.pushText(11, "một");
    const ok = await tg.waitForCount(sentTo(11), 2);
    expect(ok.map(textOf)).toEqual(["Bạn hỏi: một", "Bạn hỏi: một"]);

    tg.failNext("sendMessage", { status: 502 });
    tg.pushText(11, "hai");
    const after5xx = await tg.waitForCount((c) => sentTo(11)(c) && textOf(c) === "Bạn hỏi: hai", 2);
    expect(after5xx).toHaveLength(2); // the 502, then the retry (after auto-retry's 3 s pause)
  }, 20_000);

  it("keeps one user's messages in order while a slow user does not block others", async () => {
    const gate = deferred();
    core.gates.set("chậm", gate);
    await polling().start();
    tg.pushText(1, "chậm");
    tg.pushText(1, "sau đó");
    tg.pushText(2, "nhanh");
    const fast = await tg.waitFor(sentTo(2));
    expect(textOf(fast)).toBe("Bạn hỏi: nhanh");
    // User 1's second message waits for the first: the core has not seen it.
    expect(core.calls.filter((c) => c.userId === "1").map((c) => c.text)).toEqual(["chậm"]);
    expect(tg.calls.filter(sentTo(1))).toHaveLength(0);
    gate.resolve();
    const slow = await tg.waitForCount(sentTo(1), 2);
    expect(slow.map(textOf)).toEqual(["Bạn hỏi: chậm", "Bạn hỏi: sau đó"]);
  });

  it("drops a flooding user's excess updates instead of queueing them without end", async () => {
    const gate = deferred();
    core.gates.set("m0", gate);
    await polling({ maxPendingPerUser: 2 }).start();
    for (let i = 0; i < 5; i++) tg.pushText(3, `m${i}`);
    tg.pushText(4, "khác");
    await tg.waitFor(sentTo(4));
    await core.received((c) => c.text === "m0");
    gate.resolve();
    await tg.waitForCount(sentTo(3), 2);
    await channel!.idle();
    expect(core.calls.filter((c) => c.userId === "3").map((c) => c.text)).toEqual(["m0", "m1"]);
    expect(logs.text()).toContain("too many pending updates");
  });
});

describe("Telegram notifications (sendTo)", () => {
  it("sends, and records a user who blocked the bot as undelivered", async () => {
    const ch = polling();
    await ch.sendTo("tg:77", { text: "Phản ánh PAKN-2026-000001 đã có kết quả." });
    expect(textOf(tg.callsOf("sendMessage")[0]!)).toContain("PAKN-2026-000001");

    tg.failNext("sendMessage", {
      status: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    await expect(ch.sendTo("77", { text: "Cập nhật tiến độ" })).rejects.toBeInstanceOf(
      PermanentDeliveryError,
    );
    expect(await ch.undelivered!.listOpen()).toMatchObject([
      { channel: "telegram", userId: "77", reason: "blocked", errorCode: "403" },
    ]);
    await expect(ch.sendTo("web-abc", { text: "x" })).rejects.toBeInstanceOf(
      PermanentDeliveryError,
    );
    expect(count(db, "channel_undelivered")).toBe(1);
  });

  it("a retry of a long notification sends only the pieces that did not go out", async () => {
    const ch = polling();
    let armed = false;
    tg.onCall((c) => {
      if (c.method !== "sendMessage" || armed) return;
      armed = true;
      // Not retried by auto-retry (it retries 5xx and 429), nor a "gone" chat.
      tg.failNext("sendMessage", { status: 400, description: "Bad Request: try again" });
    });
    const key = { idempotencyKey: "PAKN-2026-000001:v2" };
    await expect(ch.sendTo("77", { text: LONG_TEXT }, key)).rejects.toThrow(/400/);
    await ch.sendTo("77", { text: LONG_TEXT }, key);
    const pieces = splitMessage(LONG_TEXT, TELEGRAM_TEXT_LIMIT);
    expect(pieces.length).toBeGreaterThan(1);
    // piece 1, piece 2 (refused), then piece 2 onwards: the first piece is not sent twice
    expect(tg.callsOf("sendMessage").map(textOf)).toEqual([
      pieces[0],
      pieces[1],
      ...pieces.slice(1),
    ]);

    // A message without a key (a reply in a conversation) is sent whole each time.
    await ch.sendTo("77", { text: LONG_TEXT });
    expect(
      tg
        .callsOf("sendMessage")
        .map(textOf)
        .slice(pieces.length + 1),
    ).toEqual(pieces);
  });
});
