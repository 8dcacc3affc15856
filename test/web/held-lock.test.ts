/**
 * Another connection holds SQLite's write lock (BEGIN IMMEDIATE, as the CLI, a VACUUM or an
 * admin's sqlite3 would) while the server takes requests: the real server on 127.0.0.1, a real
 * SQLite file, the write gate's time injected (no test sleeps or times anything).
 */
import { createHash } from "node:crypto";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createSqliteSql,
  openDatabase,
  SERVER_BUSY_TIMEOUT_MS,
  type Database,
  type SqlDatabase,
  type WriteGateOptions,
} from "../../src/db/index.ts";
import { createScopeResolver, createStaffAuth } from "../../src/feedback/index.ts";
import { createApp, type App } from "../../src/web/app.ts";
import { createFeedbackRoutes } from "../../src/web/feedback-routes.ts";
import { action, makeHarness, texts, type Harness } from "../dialogue/helpers.ts";
import { TEXT, clock, storeOn, tempDbFile } from "../feedback/helpers.ts";
import { instantTime, manualTime } from "../helpers/manual-time.ts";
import { fakeAsk, memoryLogger } from "./helpers.ts";

interface Server {
  app: App;
  base: string;
  db: Database;
  /**
   * The SqlDatabase (its own connection, its own write gate on the injected time): the PAKN store,
   * the question log, /healthz.
   */
  sql: SqlDatabase;
  /** A second connection on the same file. */
  holder: BetterSqlite3.Database;
  cases(): number;
  questions(): number;
}

const started: Server[] = [];
let harness: Harness | undefined;
afterEach(async () => {
  for (const s of started.splice(0)) {
    if (s.holder.inTransaction) s.holder.exec("ROLLBACK");
    s.holder.close();
    await s.app.stop();
    await s.sql.close();
    s.db.close();
  }
  harness?.close();
  harness = undefined;
});

async function serve(time: Pick<WriteGateOptions, "clock" | "sleep">): Promise<Server> {
  const file = tempDbFile();
  // The server's busy timeout: a write blocks the event loop this long at most.
  const db = openDatabase(file, { busyTimeoutMs: SERVER_BUSY_TIMEOUT_MS });
  const logger = memoryLogger().logger;
  const c = clock("2026-03-02T02:00:00Z");
  const sql = createSqliteSql({ file, gate: { ...time, budgetMs: 5_000 } });
  const feedback = storeOn(sql, c);
  const scopes = createScopeResolver({ directory: [], agencies: feedback.agencies });
  const staff = createStaffAuth([
    { name: "lan", sha256: createHash("sha256").update("t".repeat(32)).digest("hex") },
  ]);
  const app = createApp({
    config: { host: "127.0.0.1", port: 0 },
    logger,
    assistant: fakeAsk,
    sql,
    now: c.now,
    health: () => ({ retrieval: "lexical" }),
    // The database's state within 100 ms, or /healthz says it is not ready.
    healthTimeoutMs: 100,
    routes: () => [createFeedbackRoutes({ feedback, scopes, staff, logger })],
  });
  const base = (await app.start()).url.replace(/\/$/, "");
  const n = (table: string) =>
    (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const server: Server = {
    app,
    base,
    db,
    sql,
    holder: new BetterSqlite3(file),
    cases: () => n("feedback_cases"),
    questions: () => n("questions"),
  };
  started.push(server);
  return server;
}

const post = (body: unknown) => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(body),
});

describe("while another connection holds the write lock", () => {
  it("a filing waits without holding up /healthz or /api/ask, and is filed once the lock goes", async () => {
    const time = manualTime();
    const s = await serve(time);
    s.holder.exec("BEGIN IMMEDIATE");

    let answered = false;
    const filing = fetch(`${s.base}/api/feedback`, post({ text: TEXT })).then((res) => {
      answered = true;
      return res;
    });
    // The filing waits in the SqlDatabase's write gate (a pause on the injected time).
    await vi.waitFor(() => expect(time.pending()).toBe(1));

    // The server answers other requests meanwhile: its event loop is not stuck in SQLite.
    const ask = await fetch(`${s.base}/api/ask`, post({ question: "cấp lại hộ chiếu" }));
    expect(ask.status).toBe(200);
    // The question log waits for the lock too; the answer did not wait.
    expect(s.questions()).toBe(0);
    // /healthz does not wait behind it either: the database is there, merely locked.
    const health = await fetch(`${s.base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      ok: true,
      retrieval: "lexical",
      database: { engine: "sqlite", ready: true },
    });
    // One connection, one statement at a time: the question log waits behind the filing.
    expect(time.pending()).toBe(1);

    await time.advance(3_000);
    expect(answered).toBe(false);
    expect(s.cases()).toBe(0);

    s.holder.exec("COMMIT");
    await time.advance(250);
    const res = await filing;
    expect(res.status).toBe(201);
    await vi.waitFor(() => expect(s.questions()).toBe(1));
    const filed = (await res.json()) as { ref: string; token: string };
    expect(filed.ref).toBe("PAKN-2026-000001");
    // Nothing lost: the case (readable with its token) and the question are stored.
    expect(s.cases()).toBe(1);
    expect(s.questions()).toBe(1);
    const view = await fetch(`${s.base}/api/feedback/${filed.ref}`, {
      headers: { "X-Citizen-Token": filed.token },
    });
    expect(view.status).toBe(200);
  });

  it("past its budget a filing gets 503 database_busy with Retry-After, and stores nothing", async () => {
    const s = await serve(instantTime());
    s.holder.exec("BEGIN IMMEDIATE");

    const res = await fetch(`${s.base}/api/feedback`, post({ text: TEXT }));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("database_busy");
    expect(error.message).toMatch(/^Hệ thống đang bận.* \/ The database is busy/);

    s.holder.exec("COMMIT");
    expect(s.cases()).toBe(0);
    // The same filing, sent again, goes through.
    expect((await fetch(`${s.base}/api/feedback`, post({ text: TEXT }))).status).toBe(201);
    expect(s.cases()).toBe(1);
  });
});

describe("the chat's complaint flow while another connection holds the write lock", () => {
  /** A complaint written up to its summary; returns the "Gửi" action. */
  async function draft(h: Harness): Promise<string> {
    await h.say("/phananh Hồ sơ đất đai của tôi quá hạn hai tháng chưa có kết quả.");
    await h.press("fb:skip");
    return action(await h.press("fb:skip"), "fb:send:");
  }

  it('"Gửi" waits for the lock and files the case once it is released', async () => {
    const time = manualTime();
    const h = (harness = makeHarness({ gate: time }));
    h.db.pragma("busy_timeout = 0");
    const send = await draft(h);
    const holder = new BetterSqlite3(h.file);
    try {
      holder.exec("BEGIN IMMEDIATE");
      let replied = false;
      const reply = h.press(send).then((r) => ((replied = true), r));
      await time.advance(3_000);
      expect(replied).toBe(false);
      holder.exec("COMMIT");
      await time.advance(250);
      expect(texts(await reply)).toContain("Mã phản ánh: PAKN-2026-000001");
    } finally {
      holder.close();
    }
  });

  it("past the budget the citizen is told it was not sent, the draft is kept and files later", async () => {
    const h = (harness = makeHarness({ gate: instantTime() }));
    h.db.pragma("busy_timeout = 0");
    const send = await draft(h);
    const holder = new BetterSqlite3(h.file);
    try {
      holder.exec("BEGIN IMMEDIATE");
      const failed = await h.press(send);
      expect(texts(failed)).toContain("chưa gửi được");
      holder.exec("COMMIT");
    } finally {
      holder.close();
    }
    const count = h.db.prepare("SELECT count(*) AS n FROM feedback_cases").get() as { n: number };
    expect(count.n).toBe(0);
    expect(texts(await h.press(send))).toContain("Mã phản ánh: PAKN-2026-000001");
  });
});
