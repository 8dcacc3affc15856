/**
 * The hand-over's messages to Telegram and Zalo citizens go through the reply outbox, wired as
 * main.ts wires them (keepingSenders, startChannels, the Telegram staff desk, the web console),
 * against the fake Bot API and the fake Zalo OA server on 127.0.0.1, on both engines, the clock
 * injected: an officer's replies while the platform is down are kept (the desk is told "queued"),
 * then delivered once, in order after the bot's earlier reply; a reply refused for good, or still
 * out when Zalo's window closes, is told to the staff desk and shown by the console; replies
 * written on two instances reach the citizen once each, in the order written.
 */
import { createHash } from "node:crypto";
import type http from "node:http";
import { chromium } from "playwright-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startChannels, type Channels } from "../../src/channels/index.ts";
import type { SqlDatabase } from "../../src/db/index.ts";
import { createSenderRegistry } from "../../src/dialogue/index.ts";
import { createStaffAuth } from "../../src/feedback/index.ts";
import {
  createHandoff,
  createTelegramStaffDesk,
  keepingSenders,
  parseHotlineHours,
  type Handoff,
  type Officer,
} from "../../src/handoff/index.ts";
import { createServer } from "../../src/web/server.ts";
import { createStaffRoutes } from "../../src/web/staff-routes.ts";
import { scriptedCore } from "../channels/helpers.ts";
import { ENGINES } from "../helpers/engines.ts";
import {
  FAKE_BOT_INFO,
  FAKE_BOT_TOKEN,
  startFakeTelegram,
  type FakeTelegram,
} from "../helpers/fake-telegram.ts";
import {
  fakeZaloSettings,
  signZaloEvent,
  startFakeZalo,
  textEvent,
  type FakeZalo,
} from "../helpers/fake-zalo.ts";
import { calendar } from "../feedback/helpers.ts";
import { close, fakeAsk, listen, memoryLogger } from "../web/helpers.ts";
import { OPEN_TIME } from "./helpers.ts";

const STAFF = -100_777;
const ZUSER = "2468458835296117922";
const TG_USER = 555;
const WEBHOOK = { url: "https://motcua.example.vn/webhooks/telegram", secret: "s".repeat(32) };
const MINH: Officer = { id: "tg:7", name: "Cán bộ 7", source: "telegram" };
const LAN: Officer = { id: "web:lan", name: "lan", source: "web" };
const TOKEN = "lan-secret-token-0123456789";
const CHROMIUM = "/usr/bin/chromium";

interface Instance {
  handoff: Handoff;
  channels: Channels;
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`hand-over through the reply outbox (${engine.name})`, () => {
    let tg: FakeTelegram;
    let zalo: FakeZalo;
    let clock: Date;
    const now = () => clock;
    const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
    const opened: SqlDatabase[] = [];
    const started: Channels[] = [];

    beforeEach(async () => {
      tg = await startFakeTelegram();
      zalo = await startFakeZalo();
      clock = new Date(OPEN_TIME);
    });
    afterEach(async () => {
      for (const c of started.splice(0)) await c.stop();
      for (const db of opened.splice(0)) await db.close();
      await tg.close();
      await zalo.close();
    });

    /** One server's hand-over and channels on `sql`, as main.ts builds them. */
    async function instance(sql: SqlDatabase, options: { desk?: boolean } = {}): Promise<Instance> {
      const { logger } = memoryLogger();
      const kept = keepingSenders(createSenderRegistry());
      const handoff = createHandoff({
        sql,
        now,
        calendar,
        hours: parseHotlineHours("07:30-17:00"),
        send: kept.send,
        deliveries: kept.deliveries,
      });
      let channels: Channels | null = null;
      const desk =
        options.desk === false
          ? null
          : createTelegramStaffDesk({
              chatId: STAFF,
              api: () => channels?.telegram?.bot.api,
              handoff,
            });
      if (desk) handoff.addDesk(desk.desk);
      channels = startChannels({
        config: {
          telegram: { token: FAKE_BOT_TOKEN, apiRoot: tg.apiRoot, webhook: WEBHOOK },
          zalo: fakeZaloSettings(zalo.base),
        },
        core: scriptedCore(),
        sql,
        now,
        logger,
        senders: kept.registry,
        telegramGroupHandlers: desk ? [desk.handler] : [],
      });
      started.push(channels);
      await channels.ready;
      kept.useChannels(channels);
      return { handoff, channels };
    }

    async function one(): Promise<Instance> {
      const sql = await engine.open();
      opened.push(sql);
      return instance(sql);
    }

    const zaloTexts = () => zalo.sent().map((s) => String(s.message.text));
    const textsTo = (chatId: number) =>
      tg
        .callsOf("sendMessage")
        .filter((c) => c.body.chat_id === chatId)
        .map((c) => String(c.body.text));
    let seq = 0;
    /** A signed Zalo text event from the citizen, dated by the injected clock. */
    function zaloEvent(text: string): [Buffer, string] {
      const raw = JSON.stringify(textEvent({ userId: ZUSER, text, msgId: `m${++seq}`, at: clock }));
      return [Buffer.from(raw), signZaloEvent(raw, String(clock.getTime()))];
    }
    /** An officer's message in the staff group, replying to the ticket's post. */
    const staffUpdate = (from: number, text: string, replyTo: number) => ({
      update_id: 9000 + ++seq,
      message: {
        message_id: 70_000 + seq,
        date: 1_772_000_000,
        chat: { id: STAFF, type: "supergroup", title: "Tổng đài 1022" },
        from: { id: from, is_bot: false, first_name: `Cán bộ ${from}` },
        text,
        reply_to_message: {
          message_id: replyTo,
          date: 1_772_000_000,
          chat: { id: STAFF, type: "supergroup", title: "Tổng đài 1022" },
          from: { id: FAKE_BOT_INFO.id, is_bot: true, first_name: "bot" },
          text: "…",
        },
      },
    });

    it("Zalo down: the officer's replies are kept and told queued, then delivered once, in order after the bot's", async () => {
      const { handoff, channels } = await one();
      await handoff.dialogue.escalate({ channel: "zalo", userId: ZUSER, now: now() }, "asked", "");
      await handoff.claim(1, MINH);
      expect(zaloTexts()).toEqual([expect.stringContaining("đã nhận yêu cầu")]);

      await zalo.down();
      // A bot reply not out yet (the citizen's turn), then two replies from the staff group.
      await channels.zalo!.handleWebhook(...zaloEvent("còn đó không?"));
      await channels.zalo!.idle();
      const post = (await handoff.store.get(1))!.staffMessageId!;
      await channels.telegram!.acceptUpdate(staffUpdate(7, "R1 chào anh", post));
      await channels.telegram!.acceptUpdate(staffUpdate(7, "R2 anh cần gì?", post));
      await channels.telegram!.idle();

      const queued = textsTo(STAFF).filter((t) => t.startsWith("⏳"));
      expect(queued).toEqual([
        expect.stringContaining("Phiếu #1: Zalo chưa nhận tin"),
        expect.stringContaining("Phiếu #1: Zalo chưa nhận tin"),
      ]);
      expect(textsTo(STAFF).join("\n")).not.toContain("⚠️"); // queued is not an error
      const staffLines = (await handoff.store.transcript(1)).filter((l) => l.author === "staff");
      expect(staffLines.map((l) => l.text)).toEqual(["R1 chào anh", "R2 anh cần gì?"]);
      expect(await handoff.delivery((await handoff.store.get(1))!)).toEqual({
        waiting: 3,
        undelivered: [],
      });
      expect(zaloTexts()).toHaveLength(1);

      await zalo.up();
      advance(60_000);
      expect(await channels.replies.drainOnce()).toMatchObject({ sent: 3, undelivered: 0 });
      advance(3600_000);
      expect(await channels.replies.drainOnce()).toEqual({ sent: 0, retried: 0, undelivered: 0 });
      expect(zaloTexts()).toEqual([
        expect.stringContaining("đã nhận yêu cầu"),
        "Bạn hỏi: còn đó không?",
        "👤 Tổng đài viên: R1 chào anh",
        "👤 Tổng đài viên: R2 anh cần gì?",
      ]);
      expect(await handoff.delivery((await handoff.store.get(1))!)).toEqual({
        waiting: 0,
        undelivered: [],
      });
    });

    it("refused for good (outside Zalo's window): the staff desk is told, the console shows it", async () => {
      const { handoff, channels } = await one();
      await handoff.dialogue.escalate({ channel: "zalo", userId: ZUSER, now: now() }, "asked", "");
      await handoff.claim(1, LAN);
      zalo.scriptCs({ error: -230, message: "User has not interacted with the OA in 7 days" });
      await handoff.reply(1, LAN, "Chị mang CCCD nhé"); // not an error for the officer
      const refusedAt = clock.toISOString();

      const warned = textsTo(STAFF).filter((t) => t.startsWith("⚠️"));
      expect(warned).toEqual([
        expect.stringMatching(
          /^⚠️ Phiếu #1: tin không tới được công dân \(ngoài khung tương tác của Zalo.*Chị mang CCCD nhé$/s,
        ),
      ]);
      advance(60_000);
      expect(await channels.replies.drainOnce()).toEqual({ sent: 0, retried: 0, undelivered: 0 });
      expect(zaloTexts()).toEqual([expect.stringContaining("đã nhận yêu cầu")]);

      // The web console, over HTTP and in the page.
      const logger = memoryLogger().logger;
      const server: http.Server = createServer({
        ask: fakeAsk,
        logger,
        extraRoutes: [
          createStaffRoutes({
            handoff,
            staff: createStaffAuth([
              { name: "lan", sha256: createHash("sha256").update(TOKEN).digest("hex") },
            ]),
            logger,
            now,
            insecureCookie: true,
          }),
        ],
      });
      const base = await listen(server);
      try {
        const login = await fetch(`${base}/staff/api/login`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ token: TOKEN }),
        });
        const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
        const list = (await (
          await fetch(`${base}/staff/api/tickets`, { headers: { Cookie: cookie } })
        ).json()) as { tickets: { delivery: unknown }[] };
        expect(list.tickets[0]!.delivery).toEqual({
          waiting: 0,
          undelivered: [
            {
              text: "👤 Tổng đài viên: Chị mang CCCD nhé",
              reason: "outside_window",
              label: expect.stringContaining("ngoài khung tương tác của Zalo"),
              at: refusedAt,
            },
          ],
        });
        // The page once (Chromium, as in console.test.ts): the note, in words.
        if (engine.name === "sqlite") {
          const browser = await chromium.launch({
            executablePath: CHROMIUM,
            args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
          });
          try {
            const page = await browser.newPage();
            await page.goto(`${base}/staff`);
            await page.getByLabel("Mã đăng nhập cán bộ").fill(TOKEN);
            await page.getByRole("button", { name: "Đăng nhập" }).click();
            const note = page.locator(".ticket[data-id='1'] .delivery .undelivered");
            await note.waitFor();
            expect(await note.textContent()).toContain("Chị mang CCCD nhé");
          } finally {
            await browser.close();
          }
        }
      } finally {
        await close(server);
      }
    });

    it("kept while Zalo is down for the whole retry budget: the desk learns it later, once", async () => {
      const { handoff, channels } = await one();
      await handoff.dialogue.escalate({ channel: "zalo", userId: ZUSER, now: now() }, "asked", "");
      await handoff.claim(1, LAN);
      await zalo.down();
      await handoff.reply(1, LAN, "Anh đợi chút");
      expect(textsTo(STAFF).filter((t) => t.startsWith("⏳"))).toHaveLength(1);

      advance(24 * 3600_000 - 1);
      expect(await channels.replies.drainOnce()).toMatchObject({ undelivered: 0 });
      expect(textsTo(STAFF).join("\n")).not.toContain("⚠️");
      advance(1);
      expect(await channels.replies.drainOnce()).toMatchObject({ undelivered: 1 });
      expect(await channels.replies.drainOnce()).toMatchObject({ undelivered: 0 });
      const warned = textsTo(STAFF).filter((t) => t.startsWith("⚠️"));
      expect(warned).toEqual([
        expect.stringMatching(/thời gian gửi lại \(24 giờ\).*👤 Tổng đài viên: Anh đợi chút$/s),
      ]);
      expect(await handoff.delivery((await handoff.store.get(1))!)).toMatchObject({
        waiting: 0,
        undelivered: [{ reason: "expired", text: "👤 Tổng đài viên: Anh đợi chút" }],
      });
      await zalo.up();
      expect(zaloTexts()).toEqual([expect.stringContaining("đã nhận yêu cầu")]);
    });

    it("Telegram's 429 retry_after is honoured for an officer's reply, sent once after it", async () => {
      const { handoff, channels } = await one();
      await handoff.dialogue.escalate(
        { channel: "telegram", userId: String(TG_USER), now: now() },
        "asked",
        "",
      );
      await handoff.claim(1, LAN);
      // The next sendMessage is the citizen's reply (the desk's echo comes after it).
      tg.failNext("sendMessage", { status: 429, retryAfter: 30, description: "Too Many Requests" });
      await handoff.reply(1, LAN, "Chào anh");
      expect(textsTo(STAFF).filter((t) => t.startsWith("⏳"))).toEqual([
        expect.stringContaining("Telegram chưa nhận tin"),
      ]);
      const replies = () => textsTo(TG_USER).filter((t) => t.startsWith("👤"));
      expect(replies()).toEqual(["👤 Tổng đài viên: Chào anh"]); // the one refused with 429

      advance(29_000);
      expect(await channels.replies.drainOnce()).toEqual({ sent: 0, retried: 0, undelivered: 0 });
      advance(1000);
      expect(await channels.replies.drainOnce()).toMatchObject({ sent: 1 });
      advance(120_000);
      expect(await channels.replies.drainOnce()).toMatchObject({ sent: 0 });
      expect(replies()).toEqual(["👤 Tổng đài viên: Chào anh", "👤 Tổng đài viên: Chào anh"]);
    });

    it("replies written on two instances while Telegram is down reach the citizen once each, in order", async () => {
      const target = await engine.target();
      const first = await target.open();
      // SQLite serves one instance by design: both share one connection there.
      const second = engine.name === "postgres" ? await target.open() : first;
      opened.push(first);
      if (second !== first) opened.push(second);
      const [a, b] = [
        await instance(first, { desk: false }),
        await instance(second, { desk: false }),
      ];
      await a.handoff.dialogue.escalate(
        { channel: "telegram", userId: String(TG_USER), now: now() },
        "asked",
        "",
      );
      await b.handoff.claim(1, LAN);

      await tg.down();
      for (const [i, x] of [a, b, a, b].entries()) await x.handoff.reply(1, LAN, `câu ${i + 1}`);
      expect(await a.channels.replies.waiting("telegram", String(TG_USER))).toBe(4);
      await tg.up();
      advance(60_000);
      const drained = await Promise.all([
        a.channels.replies.drainOnce(),
        b.channels.replies.drainOnce(),
      ]);
      expect(drained.reduce((n, r) => n + r.sent, 0)).toBe(4);
      advance(3600_000);
      await Promise.all([a.channels.replies.drainOnce(), b.channels.replies.drainOnce()]);
      expect(textsTo(TG_USER).filter((t) => t.startsWith("👤"))).toEqual(
        [1, 2, 3, 4].map((n) => `👤 Tổng đài viên: câu ${n}`),
      );
    });
  });
}
