import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createZaloChannel, type ZaloChannelOptions } from "../../src/channels/zalo.ts";
import {
  actionFromZaloText,
  toZaloMessages,
  ZALO_ACTION_PREFIX,
  ZALO_ERROR_OUTSIDE_WINDOW,
  ZaloApiError,
  ZaloOutsideWindowError,
} from "../../src/channels/zalo-api.ts";
import type { Database, SqlDatabase } from "../../src/db/index.ts";
import { PermanentDeliveryError } from "../../src/feedback/index.ts";
import {
  FAKE_ZALO_APP_ID,
  FAKE_ZALO_APP_SECRET,
  FAKE_ZALO_OA_SECRET,
  signZaloEvent,
  startFakeZalo,
  textEvent,
  type FakeZalo,
} from "../helpers/fake-zalo.ts";
import { memoryLogger } from "../web/helpers.ts";
import { scriptedCore, sqlOn, tempDb } from "./helpers.ts";

let zalo: FakeZalo;
let db: Database;
let sql: SqlDatabase;
let clock: Date;
let logs: ReturnType<typeof memoryLogger>;

const USER = "2468458835296117922";

beforeEach(async () => {
  zalo = await startFakeZalo();
  db = tempDb();
  sql = sqlOn(db);
  clock = new Date("2026-03-02T08:00:00Z");
  logs = memoryLogger();
});

afterEach(async () => {
  await zalo.close();
  await sql.close();
  db.close();
});

function channel(extra: Partial<ZaloChannelOptions> = {}) {
  return createZaloChannel({
    appId: FAKE_ZALO_APP_ID,
    oaSecretKey: FAKE_ZALO_OA_SECRET,
    appSecret: FAKE_ZALO_APP_SECRET,
    refreshToken: "RT-0",
    apiBase: zalo.base,
    oauthBase: zalo.base,
    core: scriptedCore(),
    sql,
    logger: logs.logger,
    now: () => clock,
    sleep: async () => undefined,
    ...extra,
  });
}

const tokenRow = () =>
  db.prepare(`SELECT * FROM zalo_tokens`).get() as {
    access_token: string;
    refresh_token: string;
    access_expires_at: string | null;
    version: number;
  };

describe("Zalo access token", () => {
  it("refreshes when none is configured, storing the new single-use refresh token", async () => {
    const ch = channel();
    await ch.sendTo(USER, { text: "Xin chào" });
    const [refresh] = zalo.refreshCalls();
    expect(refresh!.headers.secret_key).toBe(FAKE_ZALO_APP_SECRET);
    expect(refresh!.form).toEqual({
      app_id: FAKE_ZALO_APP_ID,
      grant_type: "refresh_token",
      refresh_token: "RT-0",
    });
    expect(tokenRow()).toMatchObject({
      access_token: "AT-1",
      refresh_token: "RT-1",
      access_expires_at: "2026-03-03T09:00:00.000Z", // 90,000 s later
    });
    expect(zalo.requests.at(-1)!.headers.access_token).toBe("AT-1");
    expect(zalo.sent()).toHaveLength(1);
  });

  it("two concurrent refreshes make one call", async () => {
    const ch = channel();
    const release = zalo.holdRefreshes();
    const a = ch.sendTo(USER, { text: "một" });
    const b = ch.sendTo(USER, { text: "hai" });
    const c = ch.tokens.refresh();
    await zalo.waitForRequests((r) => r.path === "/v4/oa/access_token", 1);
    release();
    await Promise.all([a, b, c]);
    expect(zalo.refreshCalls()).toHaveLength(1);
    expect(await c).toBe("AT-1");
    expect(tokenRow().version).toBe(2);
    expect(zalo.sent()).toHaveLength(2);
  });

  it("refreshes before expiry, and once more when Zalo calls the token invalid", async () => {
    const ch = channel({ accessToken: "AT-0" });
    await ch.sendTo(USER, { text: "a" });
    expect(zalo.refreshCalls()).toHaveLength(0); // expiry unknown: used as configured

    zalo.grant("AT-other", "RT-0"); // the configured access token stops working
    await ch.sendTo(USER, { text: "b" });
    expect(zalo.refreshCalls()).toHaveLength(1);
    expect(zalo.sent().map((s) => s.message.text)).toEqual(["a", "b"]);

    clock = new Date(clock.getTime() + 23 * 3600_000); // 2 h left: fine
    expect(await ch.tokens.needsRefresh()).toBe(false);
    clock = new Date(clock.getTime() + 90 * 60_000); // 30 min left: within the 1 h margin
    expect(await ch.tokens.needsRefresh()).toBe(true);
    await ch.sendTo(USER, { text: "c" });
    expect(zalo.refreshCalls()).toHaveLength(2);
    expect(tokenRow().refresh_token).toBe("RT-2");
  });

  it("keeps the stored pair across restarts; a new configured refresh token replaces it", async () => {
    await channel().sendTo(USER, { text: "a" });
    expect(tokenRow().refresh_token).toBe("RT-1");
    // Restart with the same settings: the stored (newer) pair wins.
    await channel().sendTo(USER, { text: "b" });
    expect(zalo.refreshCalls()).toHaveLength(1);
    // An admin granted access again: new tokens in the settings.
    zalo.grant("AT-9", "RT-9");
    await channel({ accessToken: "AT-9", refreshToken: "RT-9" }).sendTo(USER, { text: "c" });
    expect(tokenRow()).toMatchObject({ access_token: "AT-9", refresh_token: "RT-9" });
    expect(zalo.requests.at(-1)!.headers.access_token).toBe("AT-9");
  });

  it("a refused refresh fails the send without marking it undelivered, and logs no token", async () => {
    zalo.grant("AT-x", "RT-elsewhere");
    const ch = channel();
    const err = await ch.sendTo(USER, { text: "a" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZaloApiError);
    expect(err).not.toBeInstanceOf(PermanentDeliveryError);
    expect(await ch.undelivered.listOpen()).toEqual([]);
    expect(tokenRow().refresh_token).toBe("RT-0");
    const log = logs.text();
    expect(log).toContain("zalo token refresh failed");
    for (const secret of ["RT-0", FAKE_ZALO_APP_SECRET]) expect(log).not.toContain(secret);
  });
});

describe("Zalo sending", () => {
  it("a retry of a long notification sends only the pieces that did not go out", async () => {
    const ch = channel({ accessToken: "AT-0", sendAttempts: 1 });
    zalo.onSent(() => {
      if (zalo.sent().length === 1) zalo.scriptCs({ httpStatus: 503 });
    });
    const text = Array.from({ length: 50 }, (_, i) => `Dòng ${i + 1} của thông báo dài.`).join(
      "\n",
    );
    const long = `${text}\n${text}\n${text}`;
    const key = { idempotencyKey: "PAKN-2026-000002:v3" };
    await expect(ch.sendTo(USER, { text: long }, key)).rejects.toBeInstanceOf(ZaloApiError);
    await ch.sendTo(USER, { text: long }, key);
    const texts = zalo.sent().map((s) => (s.message as { text: string }).text);
    expect(texts.length).toBeGreaterThan(1);
    expect(new Set(texts).size).toBe(texts.length);
    expect(texts.join("\n")).toBe(long);
  });

  it("outside the interaction window: recorded for staff, not retried", async () => {
    const ch = channel({ accessToken: "AT-0" });
    zalo.scriptCs({ error: ZALO_ERROR_OUTSIDE_WINDOW, message: "User has not interacted" });
    const err = await ch.sendTo(USER, { text: "Phản ánh của bạn đã có kết quả." }).catch((e) => e);
    expect(err).toBeInstanceOf(ZaloOutsideWindowError);
    expect(err).toBeInstanceOf(PermanentDeliveryError);
    expect(zalo.requests.filter((r) => r.path === "/v3.0/oa/message/cs")).toHaveLength(1);
    const [entry] = await ch.undelivered.listOpen({ channel: "zalo" });
    expect(entry).toMatchObject({
      channel: "zalo",
      userId: USER,
      reason: "outside_window",
      errorCode: "-230",
      text: "Phản ánh của bạn đã có kết quả.",
      resolvedAt: null,
    });
    expect(await ch.undelivered.resolve(entry!.id, "lan")).toBe(true);
    expect(await ch.undelivered.resolve(entry!.id, "lan")).toBe(false);
    expect(await ch.undelivered.listOpen()).toEqual([]);
  });

  it("a reply refused as outside the window is recorded too", async () => {
    const ch = channel({ accessToken: "AT-0" });
    zalo.scriptCs({ error: -232 });
    const raw = JSON.stringify(textEvent({ userId: USER, text: "chào", msgId: "w1", at: clock }));
    expect(
      await ch.handleWebhook(Buffer.from(raw), signZaloEvent(raw, String(clock.getTime()))),
    ).toEqual({ status: 200, code: "accepted" });
    await ch.idle();
    expect(await ch.undelivered.listOpen()).toMatchObject([
      { reason: "outside_window", errorCode: "-232", text: "Bạn hỏi: chào" },
    ]);
    expect(logs.text()).toContain("zalo reply outside the interaction window");
  });

  it("retries 5xx and rate limits a bounded number of times", async () => {
    const ch = channel({ accessToken: "AT-0" });
    zalo.scriptCs({ httpStatus: 502 }, { error: -32 });
    await ch.sendTo(USER, { text: "a" });
    expect(zalo.sent()).toHaveLength(1);

    zalo.scriptCs({ httpStatus: 503 }, { httpStatus: 503 }, { httpStatus: 503 });
    const err = await ch.sendTo(USER, { text: "b" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZaloApiError);
    expect((err as ZaloApiError).retryable).toBe(true);
    expect(await ch.undelivered.listOpen()).toEqual([]);

    zalo.scriptCs({ error: -201, message: "user_id is invalid!" });
    await expect(ch.sendTo(USER, { text: "c" })).rejects.toBeInstanceOf(PermanentDeliveryError);
    expect(await ch.undelivered.listOpen()).toMatchObject([
      { reason: "rejected", errorCode: "-201" },
    ]);
  });
});

describe("toZaloMessages", () => {
  it("puts at most five buttons on a message, more in follow-ups; drops bad actions", () => {
    const buttons = [
      Array.from({ length: 4 }, (_, i) => ({ label: `Lựa chọn ${i + 1}`, action: `pick:${i}` })),
      [
        { label: "x".repeat(150), action: "pick:4" },
        { label: "Sáu", action: "pick:5" },
        { label: "bỏ", action: "có dấu" },
      ],
    ];
    const out = toZaloMessages({ text: "Chọn thủ tục:", buttons });
    expect(out).toHaveLength(2);
    expect(out[0]!.text).toBe("Chọn thủ tục:");
    expect(out[0]!.attachment!.payload.buttons).toHaveLength(5);
    expect([...out[0]!.attachment!.payload.buttons[4]!.title]).toHaveLength(100);
    expect(out[1]!.attachment!.payload.buttons.map((b) => b.payload)).toEqual([
      `${ZALO_ACTION_PREFIX}pick:5`,
    ]);
    expect(toZaloMessages({ text: "", buttons: [[{ label: "A", action: "a" }]] })[0]!.text).toBe(
      "Mời bạn chọn:",
    );
    expect(toZaloMessages({ text: "" })).toEqual([]);
  });

  it("reads a button press back; typed text stays text", () => {
    expect(actionFromZaloText(`${ZALO_ACTION_PREFIX}rate:up:a1`)).toBe("rate:up:a1");
    expect(actionFromZaloText(`${ZALO_ACTION_PREFIX}có dấu`)).toBeNull();
    expect(actionFromZaloText("hộ chiếu")).toBeNull();
  });
});
