// A full takeover over the fake Telegram Bot API: citizen asks for a person → ticket in the staff
// group → an officer claims → messages relayed both ways in order → /dong → the bot answers again.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTelegramChannel, type TelegramChannel } from "../../src/channels/index.ts";
import { createDialogueCore } from "../../src/dialogue/index.ts";
import { parseHotlineHours } from "../../src/handoff/hours.ts";
import { createHandoff, type Handoff } from "../../src/handoff/service.ts";
import { createTelegramStaffDesk } from "../../src/handoff/telegram-desk.ts";
import {
  createSqliteSql,
  openDatabase,
  type Database,
  type SqlDatabase,
} from "../../src/db/index.ts";
import {
  FAKE_BOT_INFO,
  FAKE_BOT_TOKEN,
  startFakeTelegram,
  type FakeTelegram,
  type TelegramCall,
} from "../helpers/fake-telegram.ts";
import { memoryLogger } from "../web/helpers.ts";
import { clock, makeAssistant, tempDbFile } from "../dialogue/helpers.ts";
import { calendar, deadlines } from "../feedback/helpers.ts";
import { createFeedbackStore, createProcedureDirectory } from "../../src/feedback/index.ts";
import { catalogue } from "../assistant/fixtures.ts";
import { OPEN_TIME } from "./helpers.ts";

const STAFF = -100_777;
const CITIZEN = 555;
const OTHER_GROUP = -100_999;

let tg: FakeTelegram;
let db: Database;
let sql: SqlDatabase;
let channel: TelegramChannel;
let handoff: Handoff;
let nextMessageId = 50_000;

let log = memoryLogger();
function setUp(file: string) {
  log = memoryLogger();
  const c = clock(OPEN_TIME);
  db = openDatabase(file);
  sql = createSqliteSql({ file });
  handoff = createHandoff({
    sql,
    now: c.now,
    calendar,
    hours: parseHotlineHours("07:30-17:00"),
    send: (_ch, userId, message) => channel.sendTo(userId, message),
  });
  const core = createDialogueCore({
    assistant: makeAssistant(),
    feedback: createFeedbackStore({
      sql,
      now: c.now,
      deadlines,
      calendar,
      procedures: createProcedureDirectory(catalogue),
    }),
    sql,
    now: c.now,
    handoff: handoff.dialogue,
  });
  const desk = createTelegramStaffDesk({ chatId: STAFF, api: () => channel.bot.api, handoff });
  handoff.addDesk(desk.desk);
  channel = createTelegramChannel({
    token: FAKE_BOT_TOKEN,
    apiRoot: tg.apiRoot,
    botInfo: FAKE_BOT_INFO,
    core,
    logger: log.logger,
    sql,
    pollingTimeoutSeconds: 1,
    groupHandlers: [desk.handler],
  });
}

beforeEach(async () => {
  tg = await startFakeTelegram();
});
afterEach(async () => {
  await channel.stop();
  await tg.close();
  if (db.open) db.close();
  await sql.close();
});

const group = (chatId: number) => ({ id: chatId, type: "supergroup", title: "Tổng đài 1022" });
const officer = (id: number) => ({ id, is_bot: false, first_name: `Cán bộ ${id}` });

function staffText(chatId: number, from: number, text: string, replyTo: number) {
  return tg.pushUpdate({
    message: {
      message_id: nextMessageId++,
      date: 1_772_000_000,
      chat: group(chatId),
      from: officer(from),
      text,
      ...(text.startsWith("/")
        ? { entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }] }
        : {}),
      reply_to_message: {
        message_id: replyTo,
        date: 1_772_000_000,
        chat: group(chatId),
        from: { id: FAKE_BOT_INFO.id, is_bot: true, first_name: "bot" },
        text: "…",
      },
    },
  });
}

function press(chatId: number, from: number, data: string, messageId: number) {
  return tg.pushUpdate({
    callback_query: {
      id: `cb${nextMessageId++}`,
      from: officer(from),
      chat_instance: "staff",
      data,
      message: {
        message_id: messageId,
        date: 1_772_000_000,
        chat: group(chatId),
        from: { id: FAKE_BOT_INFO.id, is_bot: true, first_name: "bot" },
        text: "…",
      },
    },
  });
}

const sentTo = (chatId: number) => (c: TelegramCall) =>
  c.method === "sendMessage" && c.body.chat_id === chatId;
const textsTo = (chatId: number) => tg.calls.filter(sentTo(chatId)).map((c) => String(c.body.text));
const waitText = (chatId: number, part: string) =>
  tg.waitFor((c) => sentTo(chatId)(c) && String(c.body.text).includes(part));

describe("hand-off over Telegram", () => {
  it("takes over, relays both ways in order, hands back on /dong", async () => {
    setUp(tempDbFile());
    await channel.start();

    tg.pushText(CITIZEN, "/hotro");
    const ticketPost = await waitText(STAFF, "Phiếu #1");
    await waitText(CITIZEN, "phiếu số 1");
    const markup = ticketPost.body.reply_markup as {
      inline_keyboard: { callback_data: string }[][];
    };
    expect(markup.inline_keyboard[0]![0]!.callback_data).toBe("hnhan:1");
    const ticketMessageId = (await handoff.store.get(1))!.staffMessageId!;

    // Another chat cannot claim, nor write to the citizen.
    press(OTHER_GROUP, 9, "hnhan:1", ticketMessageId);
    staffText(OTHER_GROUP, 9, "tôi không phải cán bộ", ticketMessageId);

    // Two officers press "Nhận" at once: one wins.
    press(STAFF, 7, "hnhan:1", ticketMessageId);
    press(STAFF, 8, "hnhan:1", ticketMessageId);
    await tg.waitFor((c) => c.method === "answerCallbackQuery" && c.body.show_alert === true);
    await waitText(CITIZEN, "đã nhận yêu cầu");
    expect(await handoff.store.get(1)).toMatchObject({ status: "assigned", assignee: "tg:7" });

    staffText(STAFF, 7, "S1 chào anh", ticketMessageId);
    staffText(STAFF, 7, "S2 anh cần gì?", ticketMessageId);
    staffText(STAFF, 8, "S3 không phải phiếu của tôi", ticketMessageId);
    await waitText(CITIZEN, "S2");
    await waitText(STAFF, "cán bộ khác phụ trách");

    tg.pushText(CITIZEN, "C1 tôi cần làm khai sinh");
    tg.pushText(CITIZEN, "C2 cho con");
    await waitText(STAFF, "C2");
    const staffSide = textsTo(STAFF).filter((t) => t.startsWith("💬"));
    expect(staffSide).toEqual([
      "💬 Công dân (#1): C1 tôi cần làm khai sinh",
      "💬 Công dân (#1): C2 cho con",
    ]);
    const citizenSide = textsTo(CITIZEN).filter((t) => t.startsWith("👤"));
    expect(citizenSide).toEqual([
      "👤 Tổng đài viên: S1 chào anh",
      "👤 Tổng đài viên: S2 anh cần gì?",
    ]);
    expect(textsTo(CITIZEN).join("\n")).not.toContain("không phải cán bộ");
    expect(textsTo(CITIZEN).join("\n")).not.toContain("S3");

    // A reply to a relayed citizen message is in the same thread.
    const relayed = tg.calls.filter(sentTo(STAFF)).find((c) => String(c.body.text).includes("C2"))!;
    expect(relayed.body.reply_parameters).toMatchObject({ message_id: ticketMessageId });

    staffText(STAFF, 7, "/dong", ticketMessageId);
    const closing = await waitText(CITIZEN, "đã kết thúc");
    expect(JSON.stringify(closing.body.reply_markup)).toContain("handoff:rate:1:5");
    expect((await handoff.store.get(1))?.status).toBe("closed");

    tg.pushText(CITIZEN, "khai sinh");
    await waitText(CITIZEN, "1.001193");
    const t = (await handoff.store.get(1))!;
    expect(t.firstResponseAt).not.toBeNull();
    expect((await handoff.store.transcript(1)).map((l) => l.author)).toContain("staff");
  });

  it("a photo reaches the officer itself during a hand-over, and gets the text-only answer outside one", async () => {
    setUp(tempDbFile());
    await channel.start();
    const photo = (messageId: number) =>
      tg.pushUpdate({
        message: {
          message_id: messageId,
          date: 1_772_000_000,
          chat: { id: CITIZEN, type: "private", first_name: "Lan" },
          from: { id: CITIZEN, is_bot: false, first_name: "Lan" },
          photo: [{ file_id: "AgAD", file_unique_id: "u1", width: 800, height: 600 }],
          caption: "giấy hẹn trả kết quả",
        },
      });
    photo(501);
    await waitText(CITIZEN, "chỉ đọc được tin nhắn chữ");
    expect(tg.callsOf("copyMessage")).toEqual([]);

    tg.pushText(CITIZEN, "/hotro");
    await waitText(CITIZEN, "phiếu số 1");
    photo(502);
    await waitText(STAFF, "[Ảnh] giấy hẹn trả kết quả");
    const [copy] = await tg.waitForCount((c) => c.method === "copyMessage", 1);
    expect(copy!.body).toMatchObject({
      chat_id: STAFF,
      from_chat_id: CITIZEN,
      message_id: 502,
      reply_parameters: { message_id: (await handoff.store.get(1))!.staffMessageId },
    });
    expect((await handoff.store.transcript(1)).map((l) => l.text)).toContain(
      "[Ảnh] giấy hẹn trả kết quả",
    );
  });

  it("restart mid-conversation: nothing lost, still with the officer", async () => {
    const file = tempDbFile();
    setUp(file);
    await channel.start();
    tg.pushText(CITIZEN, "gặp tổng đài viên");
    // The citizen hears back once the ticket is posted (and its message id stored).
    await waitText(CITIZEN, "phiếu số 1");
    const ticketMessageId = (await handoff.store.get(1))!.staffMessageId!;
    press(STAFF, 7, "hnhan:1", ticketMessageId);
    await waitText(CITIZEN, "đã nhận yêu cầu");
    await waitText(STAFF, "đã nhận.");
    await channel.stop();
    db.close();
    await sql.close();

    setUp(file);
    await channel.start();
    tg.pushText(CITIZEN, "sau khi khởi động lại");
    await waitText(STAFF, "sau khi khởi động lại");
    staffText(STAFF, 7, "vẫn là tôi", ticketMessageId);
    await waitText(CITIZEN, "vẫn là tôi");
    expect(await handoff.store.get(1)).toMatchObject({ status: "assigned", assignee: "tg:7" });
  });
});
