import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTelegramChannel, type TelegramChannel } from "../../src/channels/telegram.ts";
import type { Database, SqlDatabase } from "../../src/db/index.ts";
import {
  FAKE_BOT_INFO,
  FAKE_BOT_TOKEN,
  startFakeTelegram,
  type FakeTelegram,
} from "../helpers/fake-telegram.ts";
import { memoryLogger } from "../web/helpers.ts";
import { scriptedCore, sqlOn, tempDb, type ScriptedCore } from "./helpers.ts";

let tg: FakeTelegram;
let core: ScriptedCore;
let db: Database;
let sql: SqlDatabase;
let channel: TelegramChannel | null = null;

beforeEach(async () => {
  tg = await startFakeTelegram();
  core = scriptedCore();
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

/** A group message; the fake gives it the next update_id. */
const groupText = (chatId: number, fromId: number, text: string) => ({
  message: {
    message_id: 1,
    date: 1_760_000_000,
    chat: { id: chatId, type: "supergroup", title: "Phòng Tư pháp" },
    from: { id: fromId, is_bot: false, first_name: "Cán bộ" },
    text,
  },
});

describe("Telegram group chats", () => {
  it("go to the group handlers in order, never to the citizen dialogue core", async () => {
    const seen: string[] = [];
    channel = createTelegramChannel({
      token: FAKE_BOT_TOKEN,
      apiRoot: tg.apiRoot,
      botInfo: FAKE_BOT_INFO,
      core,
      logger: memoryLogger().logger,
      sql,
      pollingTimeoutSeconds: 1,
      groupHandlers: [
        async (ctx) => {
          seen.push(`first:${ctx.message?.text}`);
          return ctx.message?.text === "/dangky TP";
        },
        async (ctx) => {
          seen.push(`second:${ctx.message?.text}`);
          await ctx.reply("đã nhận");
          return true;
        },
      ],
    });
    await channel.start();
    tg.pushUpdate(groupText(-100, 7, "/dangky TP"));
    tg.pushUpdate(groupText(-100, 7, "xin chào"));
    await tg.waitFor((c) => c.method === "sendMessage" && c.body.chat_id === -100);
    await channel.idle();
    expect(seen).toEqual(["first:/dangky TP", "first:xin chào", "second:xin chào"]);
    expect(core.calls).toEqual([]);
  });

  it("are ignored without handlers", async () => {
    channel = createTelegramChannel({
      token: FAKE_BOT_TOKEN,
      apiRoot: tg.apiRoot,
      botInfo: FAKE_BOT_INFO,
      core,
      logger: memoryLogger().logger,
      sql,
      pollingTimeoutSeconds: 1,
    });
    await channel.start();
    tg.pushUpdate(groupText(-100, 7, "làm căn cước"));
    tg.pushText(42, "làm căn cước");
    await tg.waitFor((c) => c.method === "sendMessage" && c.body.chat_id === 42);
    await channel.idle();
    expect(core.calls.map((m) => m.userId)).toEqual(["42"]);
  });
});
