/**
 * The channels' stores on both engines (SQLite files, and a real PostgreSQL server when
 * MOTCUA_TEST_POSTGRES_URL is set), and what several instances on one PostgreSQL database must
 * get right: the Zalo refresh token (single use) refreshed by one instance, the others taking the
 * new pair; a webhook delivery sent again to another instance processed once; a reply claimed by
 * one instance, one user's replies in order.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createProcessedUpdates } from "../../src/channels/processed-updates.ts";
import { createReplyOutbox } from "../../src/channels/reply-outbox.ts";
import { createReplyStore } from "../../src/channels/reply-store.ts";
import { createTelegramChannel } from "../../src/channels/telegram.ts";
import { createUndeliveredLog } from "../../src/channels/undelivered.ts";
import { createZaloChannel } from "../../src/channels/zalo.ts";
import { createZaloHttp } from "../../src/channels/zalo-api.ts";
import { createZaloTokenStore } from "../../src/channels/zalo-token-store.ts";
import type { SqlDatabase } from "../../src/db/index.ts";
import { ENGINES } from "../helpers/engines.ts";
import {
  FAKE_BOT_INFO,
  FAKE_BOT_TOKEN,
  startFakeTelegram,
  type FakeTelegram,
} from "../helpers/fake-telegram.ts";
import {
  FAKE_ZALO_APP_ID,
  FAKE_ZALO_APP_SECRET,
  signZaloEvent,
  startFakeZalo,
  textEvent,
  type FakeZalo,
  fakeZaloSettings,
} from "../helpers/fake-zalo.ts";
import { memoryLogger } from "../web/helpers.ts";
import { scriptedCore } from "./helpers.ts";

const AT = new Date("2026-03-02T08:00:00Z");
const USER = "2468458835296117922";

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`channels stores on ${engine.name}`, () => {
    const opened: SqlDatabase[] = [];
    let zalo: FakeZalo;
    let tg: FakeTelegram;

    /** `n` instances on one new database (SQLite: one connection, one instance by design). */
    async function instances(n: number): Promise<SqlDatabase[]> {
      const target = await engine.target();
      const first = await target.open();
      opened.push(first);
      const list = [first];
      for (let i = 1; i < n; i++) {
        const next = engine.name === "sqlite" ? first : await target.open();
        if (next !== first) opened.push(next);
        list.push(next);
      }
      return list;
    }

    beforeEach(async () => {
      zalo = await startFakeZalo();
      tg = await startFakeTelegram();
    });
    afterEach(async () => {
      for (const db of opened.splice(0)) await db.close();
      await zalo.close();
      await tg.close();
    });

    it("undelivered messages: recorded, listed oldest first per channel, resolved once", async () => {
      const [sql] = await instances(1);
      let clock = AT;
      const log = createUndeliveredLog(sql!, () => clock);
      const first = await log.record({
        channel: "zalo",
        userId: USER,
        reason: "outside_window",
        errorCode: -230,
        text: "Phản ánh đã có kết quả",
      });
      clock = new Date(AT.getTime() + 1000);
      await log.record({
        channel: "telegram",
        userId: "42",
        reason: "blocked",
        errorCode: null,
        text: "Xin chào",
      });
      expect((await log.listOpen()).map((m) => m.channel)).toEqual(["zalo", "telegram"]);
      expect(await log.listOpen({ channel: "telegram" })).toMatchObject([
        { userId: "42", reason: "blocked", errorCode: null, resolvedAt: null },
      ]);
      expect(await log.listOpen({ channel: "zalo", limit: 1 })).toMatchObject([
        { id: first, errorCode: "-230", createdAt: AT.toISOString() },
      ]);
      // One user's, from a time on (a hand-over ticket's: since it opened).
      clock = new Date(AT.getTime() + 2000);
      await log.record({
        channel: "zalo",
        userId: USER,
        reason: "expired",
        errorCode: "expired",
        text: "Sau",
      });
      await log.record({
        channel: "zalo",
        userId: "99",
        reason: "rejected",
        errorCode: 1,
        text: "?",
      });
      const mine = { channel: "zalo" as const, userId: USER };
      expect((await log.listOpen(mine)).map((m) => m.text)).toEqual([
        "Phản ánh đã có kết quả",
        "Sau",
      ]);
      expect(await log.listOpen({ ...mine, since: clock.toISOString() })).toMatchObject([
        { text: "Sau", reason: "expired" },
      ]);
      expect(
        await log.listOpen({ ...mine, since: new Date(clock.getTime() + 1).toISOString() }),
      ).toEqual([]);
      expect(await log.resolve(first, "staff:lan")).toBe(true);
      expect(await log.resolve(first, "staff:lan")).toBe(false);
      expect((await log.listOpen()).map((m) => m.channel)).toEqual(["telegram", "zalo", "zalo"]);
      expect((await log.listOpen(mine)).map((m) => m.text)).toEqual(["Sau"]);
    });

    it("processed ids: taken once across instances; each channel prunes its own", async () => {
      const [a, b] = await instances(2);
      const zaloA = createProcessedUpdates(a!, "zalo");
      const zaloB = createProcessedUpdates(b!, "zalo");
      const tgB = createProcessedUpdates(b!, "telegram");
      const taken = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? zaloA : zaloB).take("msg-1", AT)),
      );
      expect(taken.filter(Boolean)).toHaveLength(1);
      expect(await tgB.take(1, AT)).toBe(true);
      expect(await createProcessedUpdates(a!, "telegram").take(1, AT)).toBe(false);
      expect(await zaloA.take("1", AT)).toBe(true); // Zalo's "1" is not Telegram's update 1
      const later = new Date(AT.getTime() + 1);
      expect(await zaloA.prune(later)).toBe(2);
      expect(await tgB.take(1, AT)).toBe(false); // still there: Telegram keeps its own longer
      expect(await tgB.prune(later)).toBe(1);
      await zaloB.take("msg-2", AT);
      await zaloB.forget("msg-2");
      expect(await zaloA.take("msg-2", AT)).toBe(true);
    });

    it("two instances needing a refresh at once: one call to Zalo, both use the new token", async () => {
      const [a, b] = await instances(2);
      const logs = memoryLogger();
      const store = (sql: SqlDatabase) =>
        createZaloTokenStore({
          sql,
          oauth: createZaloHttp(zalo.base),
          appId: FAKE_ZALO_APP_ID,
          appSecret: FAKE_ZALO_APP_SECRET,
          refreshToken: "RT-0", // no access token configured: both must refresh first
          now: () => AT,
          logger: logs.logger,
        });
      const [first, second] = [store(a!), store(b!)];
      const release = zalo.holdRefreshes();
      const tokens = [first.accessToken(), second.accessToken()];
      await zalo.waitForRequests((r) => r.path === "/v4/oa/access_token", 1);
      release();
      expect(await Promise.all(tokens)).toEqual(["AT-1", "AT-1"]);
      expect(zalo.refreshCalls()).toHaveLength(1);
      expect(zalo.refreshToken).toBe("RT-1");

      // Zalo refuses AT-1 on both at once: again one refresh, both take AT-2.
      const again = await Promise.all([first.refresh("AT-1"), second.refresh("AT-1")]);
      expect(again).toEqual(["AT-2", "AT-2"]);
      expect(zalo.refreshCalls()).toHaveLength(2);
      expect((await second.state()).version).toBe(3);
      // A third instance starting with the same settings keeps the refreshed pair.
      expect(await store(b!).accessToken()).toBe("AT-2");
      expect(zalo.refreshCalls()).toHaveLength(2);
    });

    it("a Zalo event delivered again to another instance is processed once", async () => {
      const [a, b] = await instances(2);
      const core = scriptedCore();
      const channel = (sql: SqlDatabase) =>
        createZaloChannel({
          ...fakeZaloSettings(zalo.base),
          core,
          sql,
          logger: memoryLogger().logger,
          now: () => AT,
          sleep: async () => undefined,
        });
      const [one, two] = [channel(a!), channel(b!)];
      const raw = JSON.stringify(textEvent({ userId: USER, text: "chào", msgId: "m-1", at: AT }));
      const event = [Buffer.from(raw), signZaloEvent(raw, String(AT.getTime()))] as const;
      const outcomes = await Promise.all([
        one.handleWebhook(...event),
        two.handleWebhook(...event),
      ]);
      expect(outcomes.map((o) => o.code).sort()).toEqual(["accepted", "duplicate"]);
      await Promise.all([one.idle(), two.idle()]);
      expect(core.calls).toHaveLength(1);
      expect(zalo.sent()).toHaveLength(1);
      await Promise.all([one.stop(), two.stop()]);
    });

    it("a Telegram update delivered again to another instance is processed once", async () => {
      const [a, b] = await instances(2);
      const core = scriptedCore();
      const channel = (sql: SqlDatabase) =>
        createTelegramChannel({
          token: FAKE_BOT_TOKEN,
          apiRoot: tg.apiRoot,
          botInfo: FAKE_BOT_INFO,
          webhook: { url: "https://motcua.example.vn/webhooks/telegram", secret: "s".repeat(32) },
          core,
          sql,
          now: () => AT,
          logger: memoryLogger().logger,
        });
      const [one, two] = [channel(a!), channel(b!)];
      const update = tg.textUpdate(31, "xin chào");
      expect(await Promise.all([one.acceptUpdate(update), two.acceptUpdate(update)])).toEqual([
        true,
        true,
      ]);
      await one.acceptUpdate(update); // and once more, later
      await Promise.all([one.idle(), two.idle()]);
      expect(core.calls).toHaveLength(1);
      expect(tg.callsOf("sendMessage")).toHaveLength(1);
      await Promise.all([one.stop(), two.stop()]);
    });

    it("reply rows: instances claiming at once never share a row; a user's replies in order", async () => {
      const [a, b] = await instances(2);
      const [storeA, storeB] = [createReplyStore(a!), createReplyStore(b!)];
      const expires = new Date(AT.getTime() + 3600_000);
      const ids: number[] = [];
      for (let user = 1; user <= 20; user++) {
        ids.push(
          ...(await storeA.enqueue(
            "telegram",
            String(user),
            [{ text: "một" }, { text: "hai" }],
            AT,
            expires,
          )),
        );
      }
      expect(ids).toEqual(Array.from({ length: 40 }, (_, i) => ids[0]! + i)); // in order
      expect(await storeB.waiting("telegram", "1")).toBe(2);
      expect(await storeB.waiting("zalo", "1")).toBe(0);
      const [x, y] = await Promise.all([
        storeA.claim(["telegram", "zalo"], AT, 100, 60_000),
        storeB.claim(["telegram"], AT, 100, 60_000),
      ]);
      const claimed = [...x, ...y];
      // One row per user (the first), each held by one instance.
      expect(claimed).toHaveLength(20);
      expect(new Set(claimed.map((r) => r.id)).size).toBe(20);
      expect(new Set(claimed.map((r) => r.user_id)).size).toBe(20);
      expect(claimed.every((r) => JSON.parse(r.message!).text === "một")).toBe(true);
      expect(await storeB.claim(["telegram"], AT, 100, 60_000)).toEqual([]);
      expect(await storeB.claimHead("telegram", "1", AT, 60_000)).toBeNull(); // held

      const row = claimed.find((r) => r.user_id === "1")!;
      expect(await storeA.markSent(row.id, AT)).toBe(true);
      expect(await storeB.markSent(row.id, AT)).toBe(false);
      const heads = await Promise.all([
        storeA.claimHead("telegram", "1", AT, 60_000),
        storeB.claimHead("telegram", "1", AT, 60_000),
      ]);
      expect(heads.filter((h) => h !== null).map((h) => JSON.parse(h!.message!).text)).toEqual([
        "hai",
      ]);
      expect(await storeA.waiting("telegram", "1")).toBe(1);
      expect(await storeA.pending()).toBe(39);

      // Retry later, retry_after, waking the channel, giving up, pruning.
      const next = heads.find((h) => h !== null)!;
      const notBefore = new Date(AT.getTime() + 5000);
      await storeB.retryLater(next.id, {
        error: "429",
        next: new Date(AT.getTime() + 60_000),
        notBefore,
      });
      expect(await storeA.claimHead("telegram", "1", AT, 60_000)).toBeNull(); // retry_after
      expect(await storeA.wake("telegram", AT)).toBe(1);
      const woken = await a!.get<{ next_attempt_at: string }>(
        `SELECT next_attempt_at FROM channel_outbox WHERE id = ?`,
        [next.id],
      );
      expect(woken!.next_attempt_at).toBe(notBefore.toISOString());
      const closed = await Promise.all([
        a!.transaction((tx) => storeA.close(tx, next.id, "gone", AT)),
        b!.transaction((tx) => storeB.close(tx, next.id, "gone", AT)),
      ]);
      expect(closed.filter(Boolean)).toHaveLength(1);
      expect(await storeA.expired(new Date(expires.getTime() + 1), 100)).toHaveLength(38);
      expect(await storeB.prune(new Date(AT.getTime() + 1))).toBe(2);
      expect(await storeA.pending()).toBe(38);
    });

    it("two instances draining one outbox at once send every reply once, each user's in order", async () => {
      const [a, b] = await instances(2);
      const outbox = (sql: SqlDatabase) => {
        const replies = createReplyOutbox({ sql, now: () => AT, logger: memoryLogger().logger });
        const channel = createTelegramChannel({
          token: FAKE_BOT_TOKEN,
          apiRoot: tg.apiRoot,
          botInfo: FAKE_BOT_INFO,
          core: scriptedCore(),
          sql,
          outbox: replies,
          logger: memoryLogger().logger,
        });
        replies.register("telegram", channel.replyChannel);
        return replies;
      };
      const [one, two] = [outbox(a!), outbox(b!)];
      const store = createReplyStore(a!);
      const users = Array.from({ length: 12 }, (_, i) => 100 + i);
      for (const user of users) {
        const texts = ["một", "hai", "ba"].map((t) => ({ text: `${t} ${user}` }));
        await store.enqueue("telegram", String(user), texts, AT, new Date(AT.getTime() + 3600_000));
      }
      const results = await Promise.all([one.drainOnce(), two.drainOnce()]);
      expect(results.reduce((n, r) => n + r.sent, 0)).toBe(36);
      const sent = tg.callsOf("sendMessage").map((c) => c.body);
      expect(sent).toHaveLength(36);
      for (const user of users) {
        expect(sent.filter((m) => m.chat_id === user).map((m) => m.text)).toEqual(
          ["một", "hai", "ba"].map((t) => `${t} ${user}`),
        );
      }
      expect(await two.pending()).toBe(0);
    });
  });
}
