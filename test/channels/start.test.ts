import { afterEach, describe, expect, it } from "vitest";
import { startChannels, type Channels } from "../../src/channels/start.ts";
import { createTelegramChannel } from "../../src/channels/telegram.ts";
import type { ChannelName, ChannelSender } from "../../src/channels/types.ts";
import { loadConfig } from "../../src/config.ts";
import type { Database, SqlDatabase } from "../../src/db/index.ts";
import { FAKE_BOT_TOKEN, startFakeTelegram } from "../helpers/fake-telegram.ts";
import {
  FAKE_ZALO_APP_ID,
  FAKE_ZALO_APP_SECRET,
  FAKE_ZALO_OA_SECRET,
  startFakeZalo,
} from "../helpers/fake-zalo.ts";
import { memoryLogger } from "../web/helpers.ts";
import { scriptedCore, sqlOn, tempDb } from "./helpers.ts";

const noFile = { envFile: null, cwd: "/srv/motcua" };
let channels: Channels | null = null;
let db: Database | null = null;
let sql: SqlDatabase | null = null;

const globalSql = (opened: SqlDatabase) => (sql = opened);

afterEach(async () => {
  await channels?.stop();
  channels = null;
  await sql?.close();
  sql = null;
  db?.close();
  db = null;
});

describe("channel settings", () => {
  it("starts no channel when none is configured", () => {
    const config = loadConfig({}, noFile);
    expect(config.telegram).toBeUndefined();
    expect(config.zalo).toBeUndefined();
  });

  it("is all-or-nothing per channel, naming keys and never values", () => {
    const cases: [Record<string, string>, string[]][] = [
      [
        { TELEGRAM_WEBHOOK_URL: "https://x.vn/webhooks/telegram" },
        ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"],
      ],
      [
        { TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET: "abcdefghijklmnopqrstuv" },
        ["TELEGRAM_WEBHOOK_URL"],
      ],
      [{ TELEGRAM_BOT_TOKEN: "not-a-token-secret" }, ["TELEGRAM_BOT_TOKEN"]],
      [
        {
          TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN,
          TELEGRAM_WEBHOOK_URL: "http://x.vn/h",
          TELEGRAM_WEBHOOK_SECRET: "short",
        },
        ["TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET"],
      ],
      [
        { ZALO_APP_ID: "123", ZALO_APP_SECRET: "app-secret-value" },
        ["ZALO_OA_SECRET_KEY", "ZALO_REFRESH_TOKEN"],
      ],
      [
        { ZALO_ACCESS_TOKEN: "access-secret-value" },
        ["ZALO_APP_ID", "ZALO_OA_SECRET_KEY", "ZALO_APP_SECRET", "ZALO_REFRESH_TOKEN"],
      ],
    ];
    for (const [env, keys] of cases) {
      let message = "";
      try {
        loadConfig(env, noFile);
      } catch (err) {
        message = (err as Error).message;
        expect((err as { keys: string[] }).keys.sort()).toEqual([...keys].sort());
      }
      expect(message).not.toBe("");
      for (const value of Object.values(env)) {
        if (value.includes("secret") || value === FAKE_BOT_TOKEN)
          expect(message).not.toContain(value);
      }
    }
  });

  it("reads complete channel settings, with defaults for the Zalo hosts", () => {
    const config = loadConfig(
      {
        TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN,
        TELEGRAM_WEBHOOK_URL: "https://motcua.example.vn/webhooks/telegram",
        TELEGRAM_WEBHOOK_SECRET: "abcdefghijklmnopqrstuv",
        ZALO_APP_ID: FAKE_ZALO_APP_ID,
        ZALO_OA_SECRET_KEY: FAKE_ZALO_OA_SECRET,
        ZALO_APP_SECRET: FAKE_ZALO_APP_SECRET,
        ZALO_REFRESH_TOKEN: "RT-0",
      },
      noFile,
    );
    expect(config.telegram).toEqual({
      token: FAKE_BOT_TOKEN,
      webhook: {
        url: "https://motcua.example.vn/webhooks/telegram",
        secret: "abcdefghijklmnopqrstuv",
      },
    });
    expect(config.zalo).toEqual({
      appId: FAKE_ZALO_APP_ID,
      oaSecretKey: FAKE_ZALO_OA_SECRET,
      appSecret: FAKE_ZALO_APP_SECRET,
      refreshToken: "RT-0",
      apiBase: "https://openapi.zalo.me",
      oauthBase: "https://oauth.zaloapp.com",
    });
  });
});

describe("startChannels", () => {
  it("with no settings starts nothing: no routes, no senders", async () => {
    const logs = memoryLogger();
    db = tempDb();
    const sql = globalSql(sqlOn(db));
    channels = startChannels({ config: {}, core: scriptedCore(), sql, logger: logs.logger });
    await channels.ready;
    expect(channels.telegram).toBeNull();
    expect(channels.zalo).toBeNull();
    expect(channels.needsWebhooks).toBe(false);
    expect(channels.senders).toEqual({});
    expect(logs.text()).toContain("web chat only");
  });

  it("starts the configured channels and registers their senders", async () => {
    const tg = await startFakeTelegram();
    const zalo = await startFakeZalo();
    const logs = memoryLogger();
    db = tempDb();
    const sql = globalSql(sqlOn(db));
    const registered: ChannelName[] = [];
    const config = loadConfig(
      {
        TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN,
        TELEGRAM_API_ROOT: tg.apiRoot,
        ZALO_APP_ID: FAKE_ZALO_APP_ID,
        ZALO_OA_SECRET_KEY: FAKE_ZALO_OA_SECRET,
        ZALO_APP_SECRET: FAKE_ZALO_APP_SECRET,
        ZALO_ACCESS_TOKEN: "AT-0",
        ZALO_REFRESH_TOKEN: "RT-0",
        ZALO_API_BASE: zalo.base,
        ZALO_OAUTH_BASE: zalo.base,
      },
      noFile,
    );
    channels = startChannels({
      config,
      core: scriptedCore(),
      sql,
      logger: logs.logger,
      senders: { registerSender: (c: ChannelName, _s: ChannelSender) => registered.push(c) },
    });
    await channels.ready;
    expect(channels.telegram?.mode).toBe("polling");
    expect(tg.callsOf("getMe")).toHaveLength(1);
    expect(channels.needsWebhooks).toBe(true); // the Zalo webhook
    expect(registered.sort()).toEqual(["telegram", "zalo"]);
    await channels.senders.zalo!("2468458835296117922", { text: "Xin chào" });
    await channels.senders.telegram!("42", { text: "Xin chào" });
    expect(zalo.sent()).toHaveLength(1);
    expect(tg.callsOf("sendMessage")).toHaveLength(1);
    await channels.stop();
    channels = null;
    await tg.close();
    await zalo.close();
  });

  it("a Telegram that refuses the token is logged; the rest goes on", async () => {
    const tg = await startFakeTelegram();
    const wrongToken = "987654321:AAHwrongwrongwrongwrongwrongwrong_xyz";
    const logs = memoryLogger();
    db = tempDb();
    const sql = globalSql(sqlOn(db));
    channels = startChannels({
      config: { telegram: { token: wrongToken, apiRoot: tg.apiRoot } },
      core: scriptedCore(),
      sql,
      logger: logs.logger,
    });
    await channels.ready;
    expect(logs.text()).toContain("telegram channel could not start");
    expect(logs.text()).not.toContain(wrongToken);
    await tg.close();
  });

  it("an unreachable Telegram is retried at start until stopped", async () => {
    const tg = await startFakeTelegram();
    const apiRoot = tg.apiRoot;
    await tg.close(); // nothing listens there any more
    const logs = memoryLogger();
    const ch = createTelegramChannel({
      token: FAKE_BOT_TOKEN,
      apiRoot,
      core: scriptedCore(),
      logger: logs.logger,
      startAttempts: 2,
    });
    await expect(ch.start()).rejects.toThrow();
    expect(logs.lines().filter((l) => l.msg === "telegram api failed")).toHaveLength(2);
    expect(logs.text()).not.toContain(FAKE_BOT_TOKEN);

    const forever = createTelegramChannel({
      token: FAKE_BOT_TOKEN,
      apiRoot,
      core: scriptedCore(),
      logger: logs.logger,
    });
    const starting = forever.start();
    await forever.stop();
    await expect(starting).rejects.toThrow();
  });
});
