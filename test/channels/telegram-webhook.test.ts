import type http from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTelegramChannel, type TelegramChannel } from "../../src/channels/telegram.ts";
import { createChannelRoutes } from "../../src/web/channel-routes.ts";
import { createServer } from "../../src/web/server.ts";
import {
  FAKE_BOT_INFO,
  FAKE_BOT_TOKEN,
  startFakeTelegram,
  type FakeTelegram,
  type TelegramCall,
} from "../helpers/fake-telegram.ts";
import { close, listen, memoryLogger } from "../web/helpers.ts";
import { scriptedCore, type ScriptedCore } from "./helpers.ts";

const SECRET = "s3cret_Telegram-webhook_0123456789";
const URL_PUBLIC = "https://motcua.example.vn/webhooks/telegram";

let tg: FakeTelegram;
let core: ScriptedCore;
let channel: TelegramChannel;
let server: http.Server;
let base: string;
let logs: ReturnType<typeof memoryLogger>;

beforeEach(async () => {
  tg = await startFakeTelegram();
  core = scriptedCore();
  logs = memoryLogger();
  channel = createTelegramChannel({
    token: FAKE_BOT_TOKEN,
    apiRoot: tg.apiRoot,
    botInfo: FAKE_BOT_INFO,
    core,
    logger: logs.logger,
    webhook: { url: URL_PUBLIC, secret: SECRET },
  });
  server = createServer({
    ask: () => {
      throw new Error("not used");
    },
    logger: logs.logger,
    extraRoutes: [
      createChannelRoutes({ telegram: channel, logger: logs.logger, telegramMaxBytes: 4096 }),
    ],
  });
  base = await listen(server);
});

afterEach(async () => {
  await channel.stop();
  await close(server);
  await tg.close();
});

function post(body: string, secret?: string): Promise<Response> {
  return fetch(`${base}/webhooks/telegram`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(secret !== undefined ? { "X-Telegram-Bot-Api-Secret-Token": secret } : {}),
    },
    body,
  });
}

const sentTo = (chatId: number) => (c: TelegramCall) =>
  c.method === "sendMessage" && c.body.chat_id === chatId;

describe("Telegram channel, webhook mode", () => {
  it("registers the webhook with its secret and does not poll", async () => {
    await channel.start();
    expect(channel.mode).toBe("webhook");
    expect(tg.callsOf("setWebhook")[0]!.body).toEqual({
      url: URL_PUBLIC,
      secret_token: SECRET,
      allowed_updates: ["message", "callback_query"],
    });
    expect(tg.callsOf("deleteWebhook")).toHaveLength(0);
    expect(tg.calls.some((c) => c.method === "getUpdates")).toBe(false);
  });

  it("checks the secret header before anything else", async () => {
    const update = JSON.stringify(tg.textUpdate(42, "xin chào"));
    expect((await post(update)).status).toBe(401);
    expect((await post(update, "wrong")).status).toBe(401);
    expect((await post(update, `${SECRET}x`)).status).toBe(401);
    expect((await post("{bad", "wrong")).status).toBe(401);
    await channel.idle();
    expect(core.calls).toHaveLength(0);
    expect(logs.text()).not.toContain(SECRET);
  });

  it("rejects malformed, non-update and oversized bodies", async () => {
    expect((await post("{bad", SECRET)).status).toBe(400);
    expect((await post('{"message":{}}', SECRET)).status).toBe(400);
    const big = JSON.stringify(tg.textUpdate(42, "x".repeat(5000)));
    expect((await post(big, SECRET)).status).toBe(413);
    expect((await fetch(`${base}/webhooks/telegram`)).status).toBe(405);
    await channel.idle();
    expect(core.calls).toHaveLength(0);
  });

  it("answers 200 at once and replies through the Bot API; a resent update is handled once", async () => {
    await channel.start();
    const update = JSON.stringify(tg.textUpdate(42, "khai sinh"));
    const res = await post(update, SECRET);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect((await post(update, SECRET)).status).toBe(200);
    const reply = await tg.waitFor(sentTo(42));
    expect(reply.body.text).toBe("Bạn muốn hỏi thủ tục nào?");

    await post(JSON.stringify(tg.callbackUpdate(42, "pick:1.001193")), SECRET);
    await tg.waitForCount(sentTo(42), 2);
    await channel.idle();
    expect(core.calls).toEqual([
      { channel: "telegram", userId: "42", text: "khai sinh", displayName: "U42" },
      { channel: "telegram", userId: "42", action: "pick:1.001193" },
    ]);
  });

  it("an update without `from`, or without `chat` and `from`, breaks nothing and logs no error", async () => {
    await channel.start();
    const noFrom = tg.textUpdate(43, "khai sinh") as { message: Record<string, unknown> };
    delete noFrom.message.from;
    expect((await post(JSON.stringify(noFrom), SECRET)).status).toBe(200);
    await tg.waitFor(sentTo(43));
    const bare = tg.textUpdate(44, "khai sinh") as { message: Record<string, unknown> };
    delete bare.message.from;
    delete bare.message.chat;
    expect((await post(JSON.stringify(bare), SECRET)).status).toBe(200);
    await channel.idle();
    expect(core.calls).toEqual([{ channel: "telegram", userId: "43", text: "khai sinh" }]);
    expect(logs.lines().filter((l) => Number(l.level) >= 50)).toEqual([]);
  });
});
