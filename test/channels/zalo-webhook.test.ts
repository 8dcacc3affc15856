import type http from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createZaloChannel, type ZaloChannel } from "../../src/channels/zalo.ts";
import { ZALO_ACTION_PREFIX } from "../../src/channels/zalo-api.ts";
import type { Database, SqlDatabase } from "../../src/db/index.ts";
import { createChannelRoutes } from "../../src/web/channel-routes.ts";
import { createServer } from "../../src/web/server.ts";
import {
  FAKE_ZALO_APP_ID,
  FAKE_ZALO_APP_SECRET,
  FAKE_ZALO_OA_SECRET,
  signZaloEvent,
  startFakeZalo,
  textEvent,
  type FakeZalo,
  fakeZaloSettings,
} from "../helpers/fake-zalo.ts";
import { close, listen, memoryLogger } from "../web/helpers.ts";
import {
  CHOICES,
  count,
  deferred,
  DETAIL,
  LONG_TEXT,
  scriptedCore,
  sqlOn,
  tempDb,
  words,
  type ScriptedCore,
} from "./helpers.ts";

let zalo: FakeZalo;
let core: ScriptedCore;
let logs: ReturnType<typeof memoryLogger>;
let db: Database;
let sql: SqlDatabase;
let channel: ZaloChannel;
let server: http.Server;
let base: string;
let clock: Date;
let nextMsg = 1;

const USER = "2468458835296117922";
const OTHER = "2468458835296117923";

beforeEach(async () => {
  zalo = await startFakeZalo();
  core = scriptedCore();
  logs = memoryLogger();
  db = tempDb();
  sql = sqlOn(db);
  clock = new Date("2026-03-02T08:00:00Z");
  channel = createZaloChannel({
    ...fakeZaloSettings(zalo.base),
    core,
    sql,
    logger: logs.logger,
    now: () => clock,
    sleep: async () => undefined,
  });
  server = createServer({
    ask: () => {
      throw new Error("not used");
    },
    logger: logs.logger,
    extraRoutes: [createChannelRoutes({ zalo: channel, logger: logs.logger })],
  });
  base = await listen(server);
});

afterEach(async () => {
  await channel.stop();
  await close(server);
  await zalo.close();
  await sql.close();
  db.close();
});

interface Posted {
  status: number;
  body: { ok?: boolean; result?: string; error?: { code: string } };
}

async function post(raw: string, signature: string | null): Promise<Posted> {
  const res = await fetch(`${base}/webhooks/zalo`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(signature !== null ? { "X-ZEvent-Signature": signature } : {}),
    },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Posted["body"] };
}

/** Posts a correctly signed user_send_text event. */
function say(userId: string, text: string, options: { msgId?: string; at?: Date } = {}) {
  const at = options.at ?? clock;
  const event = textEvent({ userId, text, msgId: options.msgId ?? `msg${nextMsg++}`, at });
  const raw = JSON.stringify(event);
  return post(raw, signZaloEvent(raw, String(at.getTime())));
}

const nothingStored = () => {
  expect(count(db, "zalo_processed_messages")).toBe(0);
  expect(core.calls).toHaveLength(0);
  expect(zalo.sent()).toHaveLength(0);
};

describe("Zalo webhook: a conversation", () => {
  it("question → choices as buttons → button press → answer → rating", async () => {
    expect(await say(USER, "đăng ký khai sinh")).toEqual({
      status: 200,
      body: { ok: true, result: "accepted" },
    });
    await channel.idle();
    const [choices] = zalo.sent();
    expect(choices).toEqual({
      userId: USER,
      message: {
        text: CHOICES.text,
        attachment: {
          type: "template",
          payload: {
            buttons: [
              {
                title: "1. Đăng ký khai sinh",
                type: "oa.query.hide",
                payload: `${ZALO_ACTION_PREFIX}pick:1.001193`,
              },
              {
                title: "2. Đăng ký khai sinh có yếu tố nước ngoài",
                type: "oa.query.hide",
                payload: `${ZALO_ACTION_PREFIX}pick:1.001695`,
              },
            ],
          },
        },
      },
    });
    expect(zalo.requests[0]!.headers.access_token).toBe("AT-0");

    // Pressing an oa.query.hide button sends its payload back as a text message.
    await say(USER, `${ZALO_ACTION_PREFIX}pick:1.001193`);
    await channel.idle();
    expect(zalo.sent()[1]!.message.text).toBe(DETAIL.text);
    await say(USER, `${ZALO_ACTION_PREFIX}rate:down:a1`);
    await channel.idle();
    expect(zalo.sent()[2]!.message.text).toContain("Cảm ơn");
    expect(core.calls).toEqual([
      { channel: "zalo", userId: USER, text: "đăng ký khai sinh" },
      { channel: "zalo", userId: USER, action: "pick:1.001193" },
      { channel: "zalo", userId: USER, action: "rate:down:a1" },
    ]);
    expect(count(db, "zalo_processed_messages")).toBe(3);
  });

  it("splits a long answer at 2,000 characters, buttons on the last piece", async () => {
    await say(USER, "dài");
    await channel.idle();
    const sent = zalo.sent();
    expect(sent).toHaveLength(5);
    for (const s of sent) expect((s.message.text as string).length).toBeLessThanOrEqual(2000);
    expect(words(sent.map((s) => s.message.text as string))).toEqual(words([LONG_TEXT]));
    expect(sent.map((s) => s.message.attachment !== undefined)).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);
  });

  it("accepts the signature with or without the mac= prefix, in any case", async () => {
    const event = textEvent({ userId: USER, text: "a", msgId: "m-a", at: clock });
    const raw = JSON.stringify(event);
    const mac = signZaloEvent(raw, String(clock.getTime())).slice(4);
    expect((await post(raw, mac.toUpperCase())).status).toBe(200);
    const raw2 = JSON.stringify({ ...event, message: { text: "b", msg_id: "m-b" } });
    expect((await post(raw2, signZaloEvent(raw2, String(clock.getTime())))).status).toBe(200);
    await channel.idle();
    expect(core.calls.map((c) => c.text)).toEqual(["a", "b"]);
  });
});

describe("Zalo webhook: rejected events", () => {
  it("forged or missing signature → 401, nothing stored", async () => {
    const event = textEvent({ userId: USER, text: "xin chào", msgId: "m1", at: clock });
    const raw = JSON.stringify(event);
    const ts = String(clock.getTime());
    const forged = [
      signZaloEvent(raw, ts, FAKE_ZALO_APP_ID, "guessed-secret"),
      signZaloEvent(raw, ts, "999", FAKE_ZALO_OA_SECRET),
      signZaloEvent(`${raw} `, ts),
      "mac=",
      "mac=zz",
    ];
    for (const sig of forged) {
      expect(await post(raw, sig)).toMatchObject({
        status: 401,
        body: { error: { code: "bad_signature" } },
      });
    }
    expect((await post(raw, null)).status).toBe(401);
    // A signature over the body with another timestamp does not pass either.
    const moved = JSON.stringify({ ...event, timestamp: String(clock.getTime() + 1) });
    expect((await post(moved, signZaloEvent(raw, ts))).status).toBe(401);
    await channel.idle();
    nothingStored();
  });

  it("a replayed message id → 200 but processed once", async () => {
    const at = clock;
    expect((await say(USER, "khai sinh", { msgId: "dup", at })).body.result).toBe("accepted");
    expect((await say(USER, "khai sinh", { msgId: "dup", at })).body.result).toBe("duplicate");
    clock = new Date(clock.getTime() + 60_000);
    expect((await say(USER, "khai sinh", { msgId: "dup" })).body.result).toBe("duplicate");
    await channel.idle();
    expect(core.calls).toHaveLength(1);
    expect(count(db, "zalo_processed_messages")).toBe(1);
  });

  it("stale or future-dated events → 401, nothing stored", async () => {
    const old = new Date(clock.getTime() - 6 * 60_000);
    expect(await say(USER, "cũ", { at: old })).toMatchObject({
      status: 401,
      body: { error: { code: "stale_event" } },
    });
    const future = new Date(clock.getTime() + 6 * 60_000);
    expect((await say(USER, "tương lai", { at: future })).status).toBe(401);
    await channel.idle();
    nothingStored();
  });

  it("malformed JSON → 400, oversized → 413, wrong method → 405, nothing stored", async () => {
    expect(await post("{not json", "mac=00")).toMatchObject({
      status: 400,
      body: { error: { code: "invalid_json" } },
    });
    expect((await post("[1,2]", "mac=00")).status).toBe(400);
    const big = JSON.stringify(
      textEvent({ userId: USER, text: "x".repeat(70_000), msgId: "big", at: clock }),
    );
    const tooLarge = await post(big, signZaloEvent(big, String(clock.getTime())));
    expect(tooLarge).toMatchObject({ status: 413, body: { error: { code: "payload_too_large" } } });
    const res = await fetch(`${base}/webhooks/zalo`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    await channel.idle();
    nothingStored();
  });

  it("photos and stickers reach the core as attachments, with Zalo's https link", async () => {
    const ts = String(clock.getTime());
    const image = JSON.stringify({
      ...textEvent({ userId: USER, text: "", msgId: "img-1", at: clock }),
      event_name: "user_send_image",
      message: {
        msg_id: "img-1",
        text: "ảnh giấy hẹn",
        attachments: [
          { type: "image", payload: { url: "https://dl.zalo.me/photo/abc.jpg", thumbnail: "" } },
        ],
      },
    });
    const sticker = JSON.stringify({
      ...textEvent({ userId: USER, text: "", msgId: "st-1", at: clock }),
      event_name: "user_send_sticker",
      message: {
        msg_id: "st-1",
        attachments: [{ type: "sticker", payload: { id: "x", url: "javascript:alert(1)" } }],
      },
    });
    expect((await post(image, signZaloEvent(image, ts))).body.result).toBe("accepted");
    expect((await post(sticker, signZaloEvent(sticker, ts))).body.result).toBe("accepted");
    await channel.idle();
    expect(core.calls.map((c) => c.attachment)).toEqual([
      { kind: "photo", caption: "ảnh giấy hẹn", url: "https://dl.zalo.me/photo/abc.jpg" },
      { kind: "sticker" },
    ]);
    expect(zalo.sent()).toHaveLength(2);
  });

  it("a signed event missing its fields → 400; an unknown event type → 200, ignored", async () => {
    const ts = String(clock.getTime());
    const noId = JSON.stringify({
      ...textEvent({ userId: USER, text: "a", msgId: "", at: clock }),
    });
    expect((await post(noId, signZaloEvent(noId, ts))).body.error?.code).toBe("invalid_event");
    const follow = JSON.stringify({
      app_id: FAKE_ZALO_APP_ID,
      oa_id: "388613280879808645",
      follower: { id: USER },
      event_name: "follow",
      source: "oa_profile",
      timestamp: ts,
    });
    expect(await post(follow, signZaloEvent(follow, ts))).toEqual({
      status: 200,
      body: { ok: true, result: "ignored" },
    });
    await channel.idle();
    nothingStored();
  });

  it("logs rejections without secrets, signatures or the citizen's text", async () => {
    const raw = JSON.stringify(
      textEvent({ userId: USER, text: "số CCCD 001203004567", msgId: "m9", at: clock }),
    );
    const sig = signZaloEvent(raw, String(clock.getTime()), FAKE_ZALO_APP_ID, "wrong");
    await post(raw, sig);
    await say(USER, "số CCCD 001203004567");
    await channel.idle();
    const log = logs.text();
    expect(log).toContain("zalo webhook rejected");
    for (const secret of [
      FAKE_ZALO_OA_SECRET,
      FAKE_ZALO_APP_SECRET,
      sig.slice(4),
      "AT-0",
      "RT-0",
    ]) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toContain("001203004567");
    expect(log).not.toContain(USER);
  });

  it("answers 404 when Zalo is not configured", async () => {
    const bare = createServer({
      ask: () => {
        throw new Error("not used");
      },
      logger: logs.logger,
      extraRoutes: [createChannelRoutes({ zalo: null, telegram: null, logger: logs.logger })],
    });
    const url = await listen(bare);
    const res = await fetch(`${url}/webhooks/zalo`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    await close(bare);
  });
});

describe("Zalo webhook: per-user order, users in parallel", () => {
  it("a message dropped as busy is not remembered: its resend is handled", async () => {
    const gate = deferred();
    core.gates.set("chậm", gate);
    await say(USER, "chậm");
    await core.received((c) => c.text === "chậm");
    const results: Posted[] = [];
    for (let i = 0; i < 21; i++) results.push(await say(USER, `tin ${i}`, { msgId: `busy${i}` }));
    const busy = results.findIndex((r) => r.body.result === "busy");
    expect(busy).toBeGreaterThanOrEqual(0);
    gate.resolve();
    await channel.idle();
    const again = await say(USER, `tin ${busy}`, { msgId: `busy${busy}` });
    expect(again.body.result).toBe("accepted");
  });

  it("answers 200 before processing; a slow user does not hold up others", async () => {
    const gate = deferred();
    core.gates.set("chậm", gate);
    expect((await say(USER, "chậm")).status).toBe(200);
    expect((await say(USER, "sau đó")).status).toBe(200);
    expect((await say(OTHER, "nhanh")).status).toBe(200);
    await zalo.waitForSent(1);
    expect(zalo.sent()[0]).toMatchObject({ userId: OTHER, message: { text: "Bạn hỏi: nhanh" } });
    await core.received((c) => c.text === "chậm");
    expect(core.calls.filter((c) => c.userId === USER).map((c) => c.text)).toEqual(["chậm"]);
    gate.resolve();
    await zalo.waitForSent(3);
    await channel.idle();
    expect(
      zalo
        .sent()
        .filter((s) => s.userId === USER)
        .map((s) => s.message.text),
    ).toEqual(["Bạn hỏi: chậm", "Bạn hỏi: sau đó"]);
  });
});
