// POST /api/chat and GET /api/chat/inbox in-process, over the real dialogue core and PAKN store.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OutgoingMessage } from "../../src/channels/index.ts";
import { createSqliteSql, type SqlDatabase } from "../../src/db/index.ts";
import { createSenderRegistry, type SenderRegistry } from "../../src/dialogue/index.ts";
import {
  createFeedbackStore,
  createProcedureDirectory,
  type FeedbackStore,
  type SqlOutboxDispatcher,
} from "../../src/feedback/index.ts";
import { createApp, type App } from "../../src/web/app.ts";
import { createChatWiring } from "../../src/web/chat-wiring.ts";
import { webUserId } from "../../src/web/chat-routes.ts";
import { catalogue } from "../assistant/fixtures.ts";
import { calendar, deadlines } from "../feedback/helpers.ts";
import { memoryLogger } from "../web/helpers.ts";
import { clock, makeAssistant, tempDbFile } from "./helpers.ts";

const c = clock("2026-03-02T02:00:00Z");
const logs = memoryLogger();
let app: App;
let base: string;
let feedback: FeedbackStore;
let senders: SenderRegistry;
let sql: SqlDatabase;
let dispatcher: SqlOutboxDispatcher;
const SESSION = "s3ssion-abcdefghijklmnop";

beforeAll(async () => {
  const file = tempDbFile();
  sql = createSqliteSql({ file });
  senders = createSenderRegistry();
  dispatcher = senders.dispatcher({ sql, now: c.now });
  const assistant = makeAssistant();
  feedback = createFeedbackStore({
    sql,
    now: c.now,
    deadlines,
    calendar,
    procedures: createProcedureDirectory(catalogue),
  });
  const chat = createChatWiring({
    sql,
    feedback,
    assistant,
    senders,
    logger: logs.logger,
    now: c.now,
  });
  app = createApp({
    config: { host: "127.0.0.1", port: 0 },
    logger: logs.logger,
    assistant,
    sql,
    now: c.now,
    routes: () => chat.routes,
  });
  base = (await app.start()).url.replace(/\/$/, "");
});

afterAll(async () => {
  await app.stop();
  await sql.close();
});

async function chat(body: unknown): Promise<{ status: number; messages: OutgoingMessage[] }> {
  const res = await fetch(`${base}/api/chat`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const json = (await res.json()) as { messages: OutgoingMessage[] };
  return { status: res.status, messages: json.messages };
}

describe("web chat API", () => {
  it("answers through the dialogue, with buttons, keyed by the session", async () => {
    const r = await chat({ session: SESSION, text: "kết hôn lệ phí" });
    expect(r.status).toBe(200);
    expect(r.messages[0]!.buttons!.flat().map((b) => b.action)).toEqual([
      "pick:1.000090",
      "pick:1.000091",
      "pick:1.000092",
    ]);
    const picked = await chat({ session: SESSION, action: "pick:1.000091" });
    expect(picked.messages[0]!.text).toContain("Mã thủ tục: 1.000091");
    // Another session has its own state.
    const other = await chat({ session: "another-session-0001", text: "2" });
    expect(other.messages[0]!.text).not.toContain("Mã thủ tục");
    // The question log gets the web questions, masked.
    expect((await app.questions.recent(1))[0]).toMatchObject({ channel: "web" });
  });

  it("files a complaint; the session id itself is never stored", async () => {
    await chat({
      session: SESSION,
      text: "/phananh Nhân viên một cửa không hướng dẫn, bắt đi lại ba lần.",
    });
    await chat({ session: SESSION, action: "fb:skip" });
    const summary = await chat({ session: SESSION, action: "fb:skip" });
    const send = summary.messages[0]!.buttons![0]![0]!.action;
    const filed = await chat({ session: SESSION, action: send });
    expect(filed.messages[0]!.text).toContain("PAKN-2026-000001");
    const view = await feedback.staffView("PAKN-2026-000001");
    expect(view.channel).toBe("web");
    expect(view.userId).toBe(webUserId(SESSION));
    expect(view.userId).not.toContain(SESSION);
    const dump = JSON.stringify(await sql.all("SELECT * FROM dialogue_state"));
    expect(dump).not.toContain(SESSION);
  });

  it("notifications wait in the inbox: fetched once, or shown with the next reply", async () => {
    await feedback.changeStatus("PAKN-2026-000001", { to: "accepted", actor: "staff:lan" });
    await dispatcher.drainOnce();
    const inbox = await fetch(`${base}/api/chat/inbox?session=${SESSION}`);
    expect(inbox.status).toBe(200);
    const { messages } = (await inbox.json()) as { messages: OutgoingMessage[] };
    expect(messages.map((m) => m.text.split("\n")[0])).toEqual([
      "Phản ánh, kiến nghị PAKN-2026-000001: Đã thụ lý.",
    ]);
    const again = (await (await fetch(`${base}/api/chat/inbox?session=${SESSION}`)).json()) as {
      messages: unknown[];
    };
    expect(again.messages).toEqual([]);

    await feedback.changeStatus("PAKN-2026-000001", { to: "in_progress", actor: "staff:lan" });
    await dispatcher.drainOnce();
    const next = await chat({ session: SESSION, text: "/help" });
    expect(next.messages.map((m) => m.text.split("\n")[0])).toEqual([
      "Phản ánh, kiến nghị PAKN-2026-000001: Đang xử lý.",
      "Mình có thể:",
    ]);
  });

  it("rejects bad sessions and bodies with clear errors", async () => {
    const bad = [
      { session: "short", text: "hi" },
      { session: "has spaces in it here", text: "hi" },
      { session: SESSION },
      { session: SESSION, text: "a", action: "b" },
      { session: SESSION, text: 5 },
      { session: SESSION, action: "x".repeat(65) },
      { session: SESSION, text: "hi", extra: true },
      "not json",
    ];
    for (const body of bad) {
      const res = await fetch(`${base}/api/chat`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: { code: string } };
      expect(["invalid_session", "invalid_request", "invalid_json"]).toContain(json.error.code);
    }
    const big = await fetch(`${base}/api/chat`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session: SESSION, text: "x".repeat(40_000) }),
    });
    expect(big.status).toBe(413);
    expect((await fetch(`${base}/api/chat/inbox?session=bad`)).status).toBe(400);
    expect((await fetch(`${base}/api/chat`)).status).toBe(405);
    expect(
      (await fetch(`${base}/api/chat/inbox?session=${SESSION}`, { method: "POST" })).status,
    ).toBe(405);
  });

  it("a long complaint within the body limit gets the dialogue's own message", async () => {
    await chat({ session: SESSION, text: "/phananh" });
    const r = await chat({ session: SESSION, text: "Chậm trễ. ".repeat(500) });
    expect(r.status).toBe(200);
    expect(r.messages[0]!.text).toContain("quá dài");
    await chat({ session: SESSION, text: "/huy" });
    expect(logs.text()).not.toContain(SESSION);
    expect(logs.text()).not.toContain("Chậm trễ");
  });
});
