/**
 * Two server processes on one PostgreSQL database (issue 15), as two instances behind a load
 * balancer: `node src/main.ts` twice with the same DATABASE_URL, Telegram in webhook mode against
 * a fake Bot API on 127.0.0.1.
 *
 * - A complaint begun on one instance goes on on the other, and its "send" pressed on both at
 *   once files one case.
 * - A Telegram update delivered to both (a retry landing elsewhere) is answered once.
 * - Filings go to both while one is killed with SIGKILL: every filing acknowledged (201) by
 *   either is in the database with its history, and no reference is given twice; the survivor
 *   keeps serving.
 *
 * Several-instance claims of reminders and hand-over tickets are shown at the store level on this
 * engine (test/reminders, test/handoff: two connections on one database); tickets open only in
 * hotline hours, which a real clock cannot promise here.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  freshPostgresDatabase,
  POSTGRES_ADMIN_URL,
  type FreshDatabase,
} from "./helpers/postgres.ts";
import { FAKE_BOT_TOKEN, startFakeTelegram, type FakeTelegram } from "./helpers/fake-telegram.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SECRET = "webhook-secret-0123456789";
const TEXT = "Cán bộ tiếp nhận yêu cầu nộp thêm giấy tờ không có trong quy định";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Instance {
  name: string;
  base: string;
  child: ChildProcess;
  exited: Promise<NodeJS.Signals | null>;
}

async function startInstance(name: string, url: string, telegram: FakeTelegram): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      PATH: process.env.PATH,
      HOST: "127.0.0.1",
      PORT: String(port),
      MOTCUA_DATA_DIR: mkdtempSync(path.join(tmpdir(), `motcua-${name}-`)),
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: "8",
      LOCAL_EMBEDDINGS: "off",
      LOG_LEVEL: "error",
      TRUST_PROXY: "127.0.0.1",
      TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_WEBHOOK_URL: "https://motcua.example.gov.vn/webhooks/telegram",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    },
  });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once("exit", (_c, s) => r(s)));
  const base = `http://127.0.0.1:${port}`;
  // Ready when /healthz answers with the database; a failed start ends the wait with its log.
  for (;;) {
    const early = await Promise.race([exited.then(() => true), Promise.resolve(false)]);
    if (early) throw new Error(`${name} exited while starting:\n${stderr}`);
    const res = await fetch(`${base}/healthz`).catch(() => null);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 100)); // polling a starting process, not timing a test
  }
  return { name, base, child, exited };
}

const post = (base: string, route: string, body: unknown, client: string) =>
  fetch(`${base}${route}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Forwarded-For": client },
    body: JSON.stringify(body),
  });

interface ChatReply {
  messages: { text: string; buttons?: { label: string; action: string }[][] }[];
}

const chat = async (i: Instance, body: Record<string, unknown>): Promise<ChatReply> => {
  const res = await post(i.base, "/api/chat", body, "10.1.0.1");
  expect(res.status).toBe(200);
  return (await res.json()) as ChatReply;
};

let fresh: FreshDatabase;
let telegram: FakeTelegram;
let a: Instance;
let b: Instance;
let db: pg.Client;

describe.skipIf(!POSTGRES_ADMIN_URL)("two server processes on one PostgreSQL database", () => {
  beforeAll(async () => {
    fresh = await freshPostgresDatabase();
    telegram = await startFakeTelegram();
    [a, b] = await Promise.all([
      startInstance("a", fresh.url, telegram),
      startInstance("b", fresh.url, telegram),
    ]);
    db = new pg.Client({ connectionString: fresh.url });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    for (const i of [a, b]) if (i && i.child.exitCode === null && !i.child.killed) i.child.kill();
    await Promise.all([a?.exited, b?.exited]);
    await telegram?.close();
    await fresh?.drop();
  });

  it("reports the database in /healthz", async () => {
    const health = (await (await fetch(`${a.base}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ ok: true, database: { engine: "postgres", ready: true } });
  });

  it("a complaint goes on across instances, and a send pressed on both files one case", async () => {
    const session = "s".repeat(8) + "-cross-instance-0001";
    await chat(a, { session, text: `/phananh ${TEXT} (liên phiên bản)` });
    await chat(b, { session, action: "fb:skip" });
    const summary = await chat(a, { session, action: "fb:skip" });
    const send = summary.messages.find((m) => m.buttons)!.buttons![0]![0]!.action;
    const [ra, rb] = await Promise.all([
      chat(a, { session, action: send }),
      chat(b, { session, action: send }),
    ]);
    const refs = [ra, rb].flatMap((r) =>
      r.messages.map((m) => /PAKN-\d{4}-\d{6}/.exec(m.text)?.[0]),
    );
    expect(refs.filter(Boolean).length).toBeGreaterThanOrEqual(1);
    const { rows } = await db.query<{ n: number }>(
      "SELECT COUNT(*)::int AS n FROM feedback_cases WHERE text LIKE '%(liên phiên bản)%'",
    );
    expect(rows[0]!.n).toBe(1);
  });

  it("a Telegram update delivered to both instances is answered once", async () => {
    const update = telegram.textUpdate(5550001, "/start");
    const deliver = (i: Instance) =>
      fetch(`${i.base}/webhooks/telegram`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET },
        body: JSON.stringify(update),
      });
    const statuses = (await Promise.all([deliver(a), deliver(b)])).map((r) => r.status);
    expect(statuses).toEqual([200, 200]);
    await telegram.waitFor((c) => c.method === "sendMessage" && c.body.chat_id === 5550001);
    // The webhook is answered once the update is taken; its reply leaves through the outbox.
    const pending = async () =>
      (
        await db.query<{ n: number }>(
          "SELECT COUNT(*)::int AS n FROM channel_outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
      ).rows[0]!.n;
    await vi.waitFor(async () => expect(await pending()).toBe(0), { timeout: 10_000 });
    const sent = telegram.callsOf("sendMessage").filter((c) => c.body.chat_id === 5550001);
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent.map((c) => c.body.text)).size).toBe(sent.length);
  });

  it("loses no acknowledged filing when one instance is killed mid-load", async () => {
    const acked: string[] = [];
    let fromA = 0;
    let killed = false;
    let n = 0;
    const client = async () => {
      while (acked.length < 240) {
        const i = n++;
        const target = i % 2 === 0 && !killed ? a : b;
        const res = await post(
          target.base,
          "/api/feedback",
          { text: `${TEXT} (tải ${i})` },
          `10.2.${i >> 8}.${i & 255}`,
        ).catch(() => null);
        if (res?.status !== 201) continue; // refused or cut by the kill: not acknowledged
        acked.push(((await res.json()) as { ref: string }).ref);
        if (target === a && ++fromA === 60 && !killed) {
          killed = true;
          a.child.kill("SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, client));
    expect(await a.exited).toBe("SIGKILL");
    expect(fromA).toBeGreaterThanOrEqual(60);

    const { rows } = await db.query<{ ref: string; filed: number }>(
      `SELECT c.ref, (SELECT COUNT(*)::int FROM feedback_history h
                       WHERE h.case_id = c.id AND h.action = 'filed') AS filed
         FROM feedback_cases c WHERE c.text LIKE '%(tải %'`,
    );
    const stored = new Map(rows.map((r) => [r.ref, r.filed]));
    expect(acked.filter((r) => !stored.has(r))).toEqual([]);
    expect(new Set(acked).size).toBe(acked.length);
    expect([...stored.values()].every((f) => f === 1)).toBe(true);
    // The survivor goes on.
    const res = await post(b.base, "/api/feedback", { text: `${TEXT} (sau)` }, "10.3.0.1");
    expect(res.status).toBe(201);
  }, 60_000);
});
