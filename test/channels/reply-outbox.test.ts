/**
 * The reply outbox against the fake Bot API and the fake Zalo OA server on 127.0.0.1, taken down
 * and brought back: replies written before they are sent, retried by the dispatcher on the
 * injected clock, each delivered once, pieces of a long message never twice, refusals and spent
 * budgets recorded for staff, and what was pending delivered by a restarted process.
 */
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createReplyOutbox,
  type ReplyOutbox,
  type ReplyOutboxOptions,
} from "../../src/channels/reply-outbox.ts";
import { splitMessage, TELEGRAM_TEXT_LIMIT } from "../../src/channels/split.ts";
import { startChannels, type Channels } from "../../src/channels/start.ts";
import { createTelegramChannel, type TelegramChannel } from "../../src/channels/telegram.ts";
import { createZaloChannel, type ZaloChannel } from "../../src/channels/zalo.ts";
import { toZaloMessages } from "../../src/channels/zalo-api.ts";
import { openDatabase, type Database, type SqlDatabase } from "../../src/db/index.ts";
import {
  FAKE_BOT_INFO,
  FAKE_BOT_TOKEN,
  startFakeTelegram,
  type FakeTelegram,
  type TelegramCall,
} from "../helpers/fake-telegram.ts";
import {
  signZaloEvent,
  startFakeZalo,
  textEvent,
  type FakeZalo,
  fakeZaloSettings,
} from "../helpers/fake-zalo.ts";
import { memoryLogger } from "../web/helpers.ts";
import { LONG_TEXT, scriptedCore, sqlOn, tempDb, type ScriptedCore } from "./helpers.ts";

const SECRET = "s3cret_Telegram-webhook_0123456789";
const WEBHOOK = { url: "https://motcua.example.vn/webhooks/telegram", secret: SECRET };

let tg: FakeTelegram;
let zalo: FakeZalo;
let db: Database;
let sql: SqlDatabase;
let core: ScriptedCore;
let clock: Date;
let logs: ReturnType<typeof memoryLogger>;
const now = () => clock;
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
const open: { stop(): Promise<void> }[] = [];

beforeEach(async () => {
  tg = await startFakeTelegram();
  zalo = await startFakeZalo();
  db = tempDb();
  sql = sqlOn(db);
  core = scriptedCore();
  clock = new Date("2026-03-02T08:00:00Z");
  logs = memoryLogger();
});

afterEach(async () => {
  for (const o of open.splice(0)) await o.stop();
  await tg.close();
  await zalo.close();
  await sql.close();
  if (db.open) db.close();
});

/** One outbox with both channels registered, in webhook mode (turns run on acceptUpdate). */
function setup(extra: Partial<ReplyOutboxOptions> = {}): {
  outbox: ReplyOutbox;
  telegram: TelegramChannel;
  zaloChannel: ZaloChannel;
} {
  const outbox = createReplyOutbox({ sql, now, logger: logs.logger, ...extra });
  const telegram = createTelegramChannel({
    token: FAKE_BOT_TOKEN,
    apiRoot: tg.apiRoot,
    botInfo: FAKE_BOT_INFO,
    webhook: WEBHOOK,
    core,
    sql,
    now,
    outbox,
    logger: logs.logger,
  });
  const zaloChannel = createZaloChannel({
    ...fakeZaloSettings(zalo.base),
    core,
    sql,
    now,
    outbox,
    logger: logs.logger,
    sleep: async () => undefined,
  });
  outbox.register("telegram", telegram.replyChannel);
  outbox.register("zalo", zaloChannel.replyChannel);
  open.push(outbox, telegram, zaloChannel);
  return { outbox, telegram, zaloChannel };
}

let msgSeq = 0;
/** A signed Zalo text event, dated by the injected clock. */
function zaloEvent(userId: string, text: string): [Buffer, string] {
  const at = String(clock.getTime());
  const raw = JSON.stringify(
    textEvent({ userId, text, msgId: `m${++msgSeq}`, at: new Date(Number(at)) }),
  );
  return [Buffer.from(raw), signZaloEvent(raw, at)];
}

const sends = (chatId?: number) =>
  tg.callsOf("sendMessage").filter((c) => chatId === undefined || c.body.chat_id === chatId);
const textOf = (c: TelegramCall) => c.body.text as string;
const rows = () =>
  db.prepare(`SELECT * FROM channel_outbox ORDER BY id`).all() as {
    user_id: string;
    message: string | null;
    pieces_sent: number;
    attempts: number;
    sent_at: string | null;
    failed_at: string | null;
    not_before: string | null;
  }[];

describe("reply outbox: Telegram down, then up", () => {
  it("delivers every reply exactly once, in order per user, after the dispatcher runs", async () => {
    const { outbox, telegram } = setup();
    await tg.down(); // connections refused
    for (const user of [1, 2, 3, 4])
      await telegram.acceptUpdate(tg.textUpdate(user, `câu ${user}`));
    await telegram.acceptUpdate(tg.textUpdate(5, "hai tin")); // two replies, in order
    await telegram.idle();
    expect(await outbox.pending()).toBe(6); // the webhook took them; nothing went out, nothing lost

    await tg.up();
    tg.failNext("sendMessage", { status: 502 }, 2); // back, but failing for two more calls
    advance(2000);
    expect(await outbox.drainOnce()).toEqual({ sent: 0, retried: 1, undelivered: 0 });
    advance(2000);
    expect(await outbox.drainOnce()).toEqual({ sent: 0, retried: 1, undelivered: 0 });
    expect(sends()).toHaveLength(2); // one try a drain while it fails, not one per reply

    advance(4000);
    expect(await outbox.drainOnce()).toMatchObject({ sent: 6, undelivered: 0 });
    const ok = sends().slice(2);
    expect(ok.map(textOf).sort()).toEqual(
      [
        "Bạn hỏi: câu 1",
        "Bạn hỏi: câu 2",
        "Bạn hỏi: câu 3",
        "Bạn hỏi: câu 4",
        "Tin một",
        "Tin hai",
      ].sort(),
    );
    expect(
      sends(5)
        .map(textOf)
        .filter((t) => t.startsWith("Tin")),
    ).toEqual(["Tin một", "Tin hai"]);
    expect(await outbox.pending()).toBe(0);

    advance(120_000);
    expect(await outbox.drainOnce()).toEqual({ sent: 0, retried: 0, undelivered: 0 });
    expect(sends()).toHaveLength(8); // 2 failed tries + 6 replies, none twice
    // Sent rows keep no text.
    expect(rows().every((r) => r.sent_at !== null && r.message === null)).toBe(true);
  });

  it("honours 429 retry_after: nothing is tried before 30 s of the clock, later replies wait", async () => {
    const { outbox, telegram } = setup();
    tg.failNext("sendMessage", { status: 429, retryAfter: 30, description: "Too Many Requests" });
    await telegram.acceptUpdate(tg.textUpdate(9, "một"));
    await telegram.idle(); // the turn did not sleep 30 s in auto-retry: one try, then the outbox
    expect(sends(9)).toHaveLength(1);
    expect(rows()[0]).toMatchObject({ attempts: 1, not_before: "2026-03-02T08:00:30.000Z" });

    advance(29_000);
    expect(await outbox.drainOnce()).toEqual({ sent: 0, retried: 0, undelivered: 0 });
    await telegram.acceptUpdate(tg.textUpdate(9, "hai")); // the user writes again: still held back
    await telegram.idle();
    expect(sends(9)).toHaveLength(1);

    advance(1000);
    expect(await outbox.drainOnce()).toMatchObject({ sent: 2 });
    expect(sends(9).map(textOf)).toEqual(["Bạn hỏi: một", "Bạn hỏi: một", "Bạn hỏi: hai"]);
  });

  it("a long message whose piece 2 fails goes on from piece 2: no piece twice", async () => {
    const { outbox, telegram } = setup();
    let armed = false;
    tg.onCall((c) => {
      if (c.method !== "sendMessage" || armed) return;
      armed = true;
      tg.failNext("sendMessage", { status: 502 }); // the next call: piece 2
    });
    await telegram.acceptUpdate(tg.textUpdate(7, "dài"));
    await telegram.idle();
    const pieces = splitMessage(LONG_TEXT, TELEGRAM_TEXT_LIMIT);
    expect(pieces).toHaveLength(3);
    expect(rows()[0]).toMatchObject({ pieces_sent: 1, sent_at: null });

    advance(2000);
    expect(await outbox.drainOnce()).toMatchObject({ sent: 1 });
    expect(sends(7).map(textOf)).toEqual([pieces[0], pieces[1], pieces[1], pieces[2]]);
    // The buttons ride on the last piece only.
    expect(sends(7).map((c) => c.body.reply_markup !== undefined)).toEqual([
      false,
      false,
      false,
      true,
    ]);
  });

  it("a blocked bot is recorded for staff at once and never retried", async () => {
    const { outbox, telegram } = setup();
    tg.failNext("sendMessage", {
      status: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    await telegram.acceptUpdate(tg.textUpdate(8, "xin chào"));
    await telegram.idle();
    expect(await telegram.undelivered!.listOpen()).toMatchObject([
      {
        channel: "telegram",
        userId: "8",
        reason: "blocked",
        errorCode: "403",
        text: "Bạn hỏi: xin chào",
      },
    ]);
    advance(3600_000);
    expect(await outbox.drainOnce()).toEqual({ sent: 0, retried: 0, undelivered: 0 });
    expect(sends(8)).toHaveLength(1);
    expect(rows()[0]).toMatchObject({ message: null, sent_at: null });
    expect(rows()[0]!.failed_at).not.toBeNull();
  });
});

describe("reply outbox: what a sender learns", () => {
  it("send says sent, queued or undelivered; listeners hear of each give-up once", async () => {
    const { outbox } = setup();
    const heard: unknown[] = [];
    outbox.onUndelivered((r) => void heard.push(r));
    outbox.onUndelivered(() => {
      throw new Error("listener broke");
    });
    expect(await outbox.send("telegram", "11", [{ text: "một" }])).toBe("sent");

    await tg.down();
    expect(await outbox.send("telegram", "11", [{ text: "hai" }, { text: "ba" }])).toBe("queued");
    expect(await outbox.waiting("telegram", "11")).toBe(2);
    expect(await outbox.waiting("telegram", "12")).toBe(0);
    await tg.up();
    tg.failNext("sendMessage", {
      status: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    expect(await outbox.send("telegram", "12", [{ text: "bốn" }])).toBe("undelivered");
    expect(heard).toEqual([{ channel: "telegram", userId: "12", reason: "blocked", text: "bốn" }]);
    expect(logs.text()).toContain("undelivered reply listener failed");

    // Given up by a later drain: heard then, once.
    await tg.down();
    advance(24 * 3600_000);
    expect(await outbox.drainOnce()).toMatchObject({ undelivered: 2 });
    expect(await outbox.drainOnce()).toMatchObject({ undelivered: 0 });
    expect(heard.slice(1)).toEqual([
      { channel: "telegram", userId: "11", reason: "expired", text: "hai" },
      { channel: "telegram", userId: "11", reason: "expired", text: "ba" },
    ]);
    expect(await outbox.waiting("telegram", "11")).toBe(0);
  });
});

describe("reply outbox: Zalo", () => {
  const USER = "2468458835296117922";

  it("down, then up: delivered once, a long message's pieces not resent", async () => {
    const { outbox, zaloChannel } = setup();
    await zalo.down();
    await zaloChannel.handleWebhook(...zaloEvent(USER, "xin chào"));
    await zaloChannel.idle();
    await zalo.up();
    zalo.onSent(() => {
      // After the waiting reply and the long one's first piece: its second piece fails.
      if (zalo.sent().length === 2) zalo.scriptCs({ httpStatus: 502 });
    });
    await zaloChannel.handleWebhook(...zaloEvent(USER, "dài"));
    await zaloChannel.idle(); // sends the waiting reply, then the long one's piece 1; piece 2 fails
    const long = toZaloMessages({ text: LONG_TEXT }).map((m) => m.text);
    expect(zalo.sent().map((s) => s.message.text)).toEqual(["Bạn hỏi: xin chào", long[0]]);

    advance(2000);
    expect(await outbox.drainOnce()).toMatchObject({ sent: 1 });
    expect(zalo.sent().map((s) => s.message.text)).toEqual(["Bạn hỏi: xin chào", ...long]);
    expect(await outbox.pending()).toBe(0);
  });

  it("refused for being outside the interaction window: recorded undelivered, not retried", async () => {
    const { outbox, zaloChannel } = setup();
    zalo.scriptCs({ error: -230, message: "User has not interacted with the OA in 7 days" });
    await zaloChannel.handleWebhook(...zaloEvent(USER, "xin chào"));
    await zaloChannel.idle();
    expect(await zaloChannel.undelivered.listOpen()).toMatchObject([
      { channel: "zalo", userId: USER, reason: "outside_window", errorCode: "-230" },
    ]);
    advance(60_000);
    expect(await outbox.drainOnce()).toEqual({ sent: 0, retried: 0, undelivered: 0 });
    expect(zalo.sent()).toHaveLength(0);
  });

  it("a reply still not out when the window closes is given up for staff", async () => {
    // A retry budget longer than Zalo's 7-day window: the window decides for Zalo.
    const { outbox, zaloChannel, telegram } = setup({ retryBudgetMs: 30 * 86_400_000 });
    await zalo.down();
    await tg.down();
    await zaloChannel.handleWebhook(...zaloEvent(USER, "xin chào"));
    await telegram.acceptUpdate(tg.textUpdate(3, "xin chào"));
    await Promise.all([zaloChannel.idle(), telegram.idle()]);

    advance(7 * 86_400_000 - 1);
    expect(await outbox.drainOnce()).toMatchObject({ undelivered: 0 });
    advance(1);
    expect(await outbox.drainOnce()).toMatchObject({ undelivered: 1 });
    expect(await zaloChannel.undelivered.listOpen()).toMatchObject([
      { channel: "zalo", userId: USER, reason: "outside_window", errorCode: "expired" },
    ]);
    expect(await outbox.pending()).toBe(1); // the Telegram one has 30 days
  });

  it("after the 24 h retry budget a reply is recorded undelivered", async () => {
    const { outbox, telegram } = setup();
    await tg.down();
    await telegram.acceptUpdate(tg.textUpdate(4, "xin chào"));
    await telegram.idle();
    advance(24 * 3600_000);
    expect(await outbox.drainOnce()).toMatchObject({ sent: 0, undelivered: 1 });
    expect(await telegram.undelivered!.listOpen()).toMatchObject([
      { channel: "telegram", userId: "4", reason: "expired", text: "Bạn hỏi: xin chào" },
    ]);
  });
});

describe("reply outbox: restart and housekeeping", () => {
  function service(database: SqlDatabase): Channels {
    const channels = startChannels({
      config: {
        telegram: { token: FAKE_BOT_TOKEN, apiRoot: tg.apiRoot, webhook: WEBHOOK },
        zalo: {
          ...fakeZaloSettings(zalo.base),
        },
      },
      core,
      sql: database,
      now,
      logger: logs.logger,
    });
    return channels;
  }

  it("a new process on the same database file delivers what the old one could not", async () => {
    const file = db.name;
    const first = service(sql);
    await first.ready;
    await Promise.all([tg.down(), zalo.down()]);
    await first.telegram!.acceptUpdate(tg.textUpdate(21, "một"));
    await first.telegram!.acceptUpdate(tg.textUpdate(21, "hai"));
    await first.zalo!.handleWebhook(...zaloEvent("1234567", "ba"));
    await Promise.all([first.telegram!.idle(), first.zalo!.idle()]);
    await first.stop();
    await sql.close();
    db.close();

    await Promise.all([tg.up(), zalo.up()]);
    db = openDatabase(file);
    sql = sqlOn(db);
    expect(path.basename(db.name)).toBe("motcua.sqlite");
    const second = service(sql);
    open.push(second);
    await second.ready;
    expect(await second.replies.pending()).toBe(3);
    advance(4000); // user 21's first reply was tried twice (once more when "hai" came): 2 s, 4 s
    expect(await second.replies.drainOnce()).toMatchObject({ sent: 3 });
    expect(sends(21).map(textOf)).toEqual(["Bạn hỏi: một", "Bạn hỏi: hai"]);
    expect(zalo.sent().map((s) => s.message.text)).toEqual(["Bạn hỏi: ba"]);
    expect(await second.replies.pending()).toBe(0);
  });

  it("prunes done rows after 7 days; a database it cannot write to still gets the reply out", async () => {
    const { outbox, telegram } = setup();
    await telegram.acceptUpdate(tg.textUpdate(6, "một"));
    await telegram.idle();
    advance(7 * 86_400_000 - 1000);
    expect(await outbox.prune()).toBe(0);
    advance(2000);
    expect(await outbox.prune()).toBe(1);
    expect(rows()).toHaveLength(0);

    await sql.close(); // the outbox cannot be written: one direct try rather than no answer
    await outbox.send("telegram", "6", [{ text: "trực tiếp" }]);
    expect(sends(6).map(textOf)).toEqual(["Bạn hỏi: một", "trực tiếp"]);
    expect(logs.text()).toContain("reply outbox not written");
  });
});
