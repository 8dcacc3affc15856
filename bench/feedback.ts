/**
 * PAKN benchmark: with `cases` cases already in the database (default 100k), the sustained rate
 * and latency of `POST /api/feedback` over HTTP (real server, real SQLite file in WAL mode), then
 * the staff list queries at that size. Called from bench/run.ts as `runFeedbackBench()`; also
 * runnable alone: `npx tsx bench/feedback.ts`.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { AskResult } from "../src/assistant/index.ts";
import { loadCalendar, localDate } from "../src/calendar/index.ts";
import {
  createSqliteSql,
  openDatabase,
  SERVER_BUSY_TIMEOUT_MS,
  type Database,
  type SqlDatabase,
} from "../src/db/index.ts";
import {
  createDeadlineCalculator,
  createFeedbackStore,
  createProcedureDirectory,
  createScopeResolver,
  createStaffAuth,
  loadRules,
  type PaknRules,
} from "../src/feedback/index.ts";
import { createLogger } from "../src/logger.ts";
import { createFeedbackRoutes } from "../src/web/feedback-routes.ts";
import { createApp } from "../src/web/app.ts";
import { percentile, summarize, type LatencySummary } from "./stats.ts";

export interface FeedbackBenchOptions {
  /** Cases in the database before timing. Default 100 000. */
  cases?: number;
  /** How long to keep filing. Default 10 s. */
  fileForMs?: number;
  /** Requests in flight. Default 8. */
  concurrency?: number;
  /** Timed runs per list query. Default 30. */
  listReps?: number;
  /** How long a second connection holds the write lock (BEGIN IMMEDIATE) while requests run. Default 10 s. */
  holdLockMs?: number;
  log?: (line: string) => void;
}

export interface FeedbackBenchResult {
  seeded: { cases: number; ms: number };
  filing: {
    requests: number;
    errors: number;
    seconds: number;
    perSecond: number;
    latencyMs: LatencySummary & { p99: number };
    /** Event-loop delay during the filing load (ms). */
    loopDelayMs: LoopDelay;
  };
  heldLock: HeldLockResult;
  list: Record<string, LatencySummary & { items: number }>;
  dbMegabytes: number;
}

/** Event-loop delay over a phase, ms (perf_hooks' histogram at 10 ms resolution). */
export interface LoopDelay {
  p99: number;
  max: number;
}

export interface HeldLockResult {
  holdMs: number;
  healthz: LatencySummary & { p99: number };
  ask: LatencySummary & { p99: number };
  /** Filings started while the lock was held: 201 once it is released, 503 past their budget. */
  filing: { created: number; busy: number; other: number; latencyMs: LatencySummary };
  /** Filings acknowledged (201) and found in the database afterwards. */
  lost: number;
  loopDelayMs: LoopDelay;
}

/**
 * Starts measuring the event-loop delay; the returned function stops and reads it. Resolves after
 * the histogram's first samples: a stall before its timer first fires would not be counted.
 */
async function measureLoopDelay(): Promise<() => LoopDelay> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  await new Promise((r) => setTimeout(r, 50));
  return () => {
    h.disable();
    const ms = (ns: number) => Number((ns / 1e6).toFixed(1));
    return { p99: ms(h.percentile(99)), max: ms(h.max) };
  };
}

/** A fixed answer: the held-lock phase times the server around it (its question log write). */
const FIXED_ANSWER: AskResult = {
  question: "",
  intent: "procedure",
  aspect: "overview",
  confidence: "not_found",
  answer: "Không tìm thấy thủ tục phù hợp.",
  procedures: [],
  choices: [],
};

const AGENCIES = Array.from({ length: 300 }, (_, i) =>
  i % 3 === 0 ? `UBND xã số ${i}` : i % 3 === 1 ? `Phòng chuyên môn số ${i}` : `Sở ngành số ${i}`,
);
const CODES = Array.from({ length: 50 }, (_, i) => `1.${String(1000 + i).padStart(6, "0")}`);
const TEXT =
  "Cán bộ tiếp nhận yêu cầu nộp thêm giấy tờ không có trong quy định, hồ sơ bị trả lại nhiều lần mà không có phiếu hướng dẫn.";

/** Deterministic pseudo-random numbers, so runs are comparable. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** Inserts `n` cases received over the last 200 days, in realistic states, in one transaction. */
function seed(db: Database, n: number, now: Date, rules: PaknRules): void {
  const deadlines = createDeadlineCalculator(rules, loadCalendar());
  const random = rng(42);
  const insert = db.prepare(
    `INSERT INTO feedback_cases (ref, token_hash, kind, channel, user_id, text, text_masked,
       procedure_code, agency, routed_by, status, reject_reason, received_at, due_at,
       next_progress_at, handled_at, updated_at, version)
     VALUES (@ref, @hash, 'complaint', @channel, @user, @text, @text, @code, @agency, @routed,
       @status, @reason, @received, @due, @progress, @handled, @received, 1)`,
  );
  const history = db.prepare(
    `INSERT INTO feedback_history (case_id, at, actor, action, from_status, to_status)
     VALUES (?, ?, 'citizen', 'filed', NULL, 'received')`,
  );
  const sequences = new Map<number, number>();
  const channels = ["web", "telegram", "zalo", "hotline"];
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const received = new Date(now.getTime() - (1 - i / n) * 200 * 86_400_000);
      const year = Number(localDate(received).slice(0, 4));
      const seq = (sequences.get(year) ?? 0) + 1;
      sequences.set(year, seq);
      const { dueAt, firstProgressAt } = deadlines.forReceipt(received);
      const age = (now.getTime() - received.getTime()) / 86_400_000;
      const r = random();
      // Old cases are mostly finished; recent ones mostly open.
      const status =
        age > 30
          ? r < 0.85
            ? "closed"
            : r < 0.93
              ? "rejected"
              : r < 0.97
                ? "answered"
                : "in_progress"
          : r < 0.3
            ? "received"
            : r < 0.55
              ? "accepted"
              : r < 0.8
                ? "in_progress"
                : "answered";
      const handled = ["closed", "rejected", "answered"].includes(status)
        ? new Date(received.getTime() + random() * 25 * 86_400_000).toISOString()
        : null;
      const unassigned = random() < 0.05;
      const info = insert.run({
        ref: `PAKN-${year}-${String(seq).padStart(6, "0")}`,
        hash: createHash("sha256").update(randomBytes(24)).digest("hex"),
        channel: channels[i % channels.length],
        user: `u${i}`,
        text: TEXT,
        code: i % 2 === 0 ? CODES[i % CODES.length] : null,
        agency: unassigned ? null : AGENCIES[Math.floor(random() ** 2 * AGENCIES.length)],
        routed: unassigned ? null : "procedure",
        status,
        reason: status === "rejected" ? "Không thuộc phạm vi" : null,
        received: received.toISOString(),
        due: dueAt.toISOString(),
        progress: handled ? null : firstProgressAt.toISOString(),
        handled,
      });
      history.run(info.lastInsertRowid, received.toISOString());
    }
    const setSeq = db.prepare("INSERT INTO feedback_sequences (year, last) VALUES (?, ?)");
    for (const [year, last] of sequences) setSeq.run(year, last);
  })();
}

/**
 * A second connection takes the write lock (BEGIN IMMEDIATE, as the CLI, a backup script or an
 * admin's `sqlite3` would) for `holdMs`; meanwhile one client polls /healthz, one asks questions
 * and two file cases, all in a loop, and the event-loop delay is measured.
 */
async function runHeldLock(
  base: string,
  db: Database,
  file: string,
  holdMs: number,
): Promise<HeldLockResult> {
  const holder = await holdWriteLock(file, holdMs);
  const healthz: number[] = [];
  const ask: number[] = [];
  const filed: string[] = [];
  const filing = { created: 0, busy: 0, other: 0, times: [] as number[] };
  const timed = async (url: string, init?: RequestInit) => {
    const t = performance.now();
    const res = await fetch(url, init);
    const body = await res.text();
    return { status: res.status, body, ms: performance.now() - t };
  };
  const post = (body: object): RequestInit => ({
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let holding = true;
  try {
    const stop = await measureLoopDelay();
    const released = holder.released.then(() => {
      holding = false;
    });
    const loop = async (fn: () => Promise<void>, everyMs: number) => {
      while (holding) {
        await fn();
        await pause(everyMs);
      }
    };
    let k = 0;
    await Promise.all([
      released,
      loop(async () => {
        healthz.push((await timed(`${base}/healthz`)).ms);
      }, 50),
      loop(async () => {
        const r = await timed(`${base}/api/ask`, post({ question: `thủ tục số ${k++}` }));
        ask.push(r.ms);
      }, 50),
      ...[0, 1].map((c) =>
        loop(async () => {
          const r = await timed(`${base}/api/feedback`, post({ text: `${TEXT} (giữ khoá ${c})` }));
          filing.times.push(r.ms);
          if (r.status === 201) {
            filing.created++;
            filed.push((JSON.parse(r.body) as { ref: string }).ref);
          } else if (r.status === 503) filing.busy++;
          else filing.other++;
        }, 200),
      ),
    ]);
    const loopDelayMs = stop();
    const has = db.prepare<[string], { n: number }>(
      "SELECT count(*) AS n FROM feedback_cases WHERE ref = ?",
    );
    return {
      holdMs,
      healthz: { ...summarize(healthz), p99: percentile(healthz, 99) },
      ask: { ...summarize(ask), p99: percentile(ask, 99) },
      filing: {
        created: filing.created,
        busy: filing.busy,
        other: filing.other,
        latencyMs: summarize(filing.times),
      },
      lost: filed.filter((ref) => has.get(ref)!.n !== 1).length,
      loopDelayMs,
    };
  } finally {
    await holder.stop();
  }
}

/**
 * Another connection in a worker thread (its own event loop, like another process) takes the
 * write lock and commits after `holdMs`. Resolves once the lock is held.
 */
async function holdWriteLock(
  file: string,
  holdMs: number,
): Promise<{ released: Promise<void>; stop(): Promise<void> }> {
  const worker = new Worker(
    `const { workerData, parentPort } = require("node:worker_threads");
     const db = new (require(workerData.driver))(workerData.file);
     db.exec("BEGIN IMMEDIATE");
     parentPort.postMessage("locked");
     setTimeout(() => { db.exec("COMMIT"); db.close(); parentPort.postMessage("released"); }, workerData.holdMs);`,
    {
      eval: true,
      workerData: {
        file,
        holdMs,
        driver: createRequire(import.meta.url).resolve("better-sqlite3"),
      },
    },
  );
  let onReleased = () => {};
  const released = new Promise<void>((r) => (onReleased = r));
  await new Promise<void>((resolve, reject) => {
    worker.on("message", (m) => (m === "locked" ? resolve() : onReleased()));
    worker.once("error", reject);
  });
  return {
    released,
    stop: async () => {
      await worker.terminate();
    },
  };
}

export async function runFeedbackBench(
  options: FeedbackBenchOptions = {},
): Promise<FeedbackBenchResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  const n = options.cases ?? 100_000;
  const fileForMs = options.fileForMs ?? 10_000;
  const concurrency = options.concurrency ?? 8;
  const listReps = options.listReps ?? 30;
  const holdLockMs = options.holdLockMs ?? 10_000;
  const dir = mkdtempSync(path.join(tmpdir(), "motcua-bench-fb-"));
  const file = path.join(dir, "motcua.sqlite");
  // Seeding and the held lock's checks go through this connection; the server has its own (sql).
  const db = openDatabase(file, { busyTimeoutMs: SERVER_BUSY_TIMEOUT_MS });
  const rules = loadRules();
  const now = () => new Date();
  let sql: SqlDatabase | undefined;
  try {
    log(`motcua PAKN bench: seeding ${n.toLocaleString("en")} cases…`);
    const t0 = performance.now();
    seed(db, n, now(), rules);
    const seededMs = performance.now() - t0;
    db.pragma("optimize");

    const token = randomBytes(24).toString("base64url");
    // The PAKN store on its own connection to the file, as src/main.ts has it.
    sql = createSqliteSql({ file });
    const calendar = loadCalendar();
    const feedback = createFeedbackStore({
      sql,
      now,
      deadlines: createDeadlineCalculator(rules, calendar),
      calendar,
      procedures: createProcedureDirectory(
        CODES.map((code, i) => ({ code, agencies: [AGENCIES[i]!] })),
      ),
    });
    const routes = createFeedbackRoutes({
      feedback,
      scopes: createScopeResolver({ directory: [], agencies: feedback.agencies }),
      staff: createStaffAuth([
        { name: "bench", sha256: createHash("sha256").update(token).digest("hex") },
      ]),
      logger: createLogger({ level: "silent" }),
    });
    // As the server is wired (src/main.ts): the question log of POST /api/ask writes to the same
    // database; the assistant is a fixed answer (what is timed is the server around it).
    const app = createApp({
      config: { port: 0, host: "127.0.0.1" },
      logger: createLogger({ level: "silent" }),
      assistant: (question) => ({ ...FIXED_ANSWER, question }),
      sql,
      routes: () => [routes],
    });
    const server = app.server;
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // Filing: `concurrency` clients in a loop for fileForMs.
    const latencies: number[] = [];
    let errors = 0;
    let i = 0;
    const started = performance.now();
    const deadline = started + fileForMs;
    const filingDelay = await measureLoopDelay();
    const client = async () => {
      while (performance.now() < deadline) {
        const k = i++;
        const body = JSON.stringify({
          text: `${TEXT} (#${k})`,
          ...(k % 2 === 0 ? { procedureCode: CODES[k % CODES.length] } : {}),
        });
        const t = performance.now();
        const res = await fetch(`${base}/api/feedback`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body,
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
        if (res.status !== 201) errors++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, client));
    const seconds = (performance.now() - started) / 1000;
    const filingLoopDelay = filingDelay();

    // Staff list queries at that size.
    const heavyAgency = AGENCIES[0]!;
    const queries: Record<string, string> = {
      "first page (50, by due date)": "",
      "status=received": "status=received",
      "status=in_progress,accepted": "status=in_progress,accepted",
      "agency (busiest)": `agency=${encodeURIComponent(heavyAgency)}`,
      "overdue=1": "overdue=1",
      "overdue=1&agency": `overdue=1&agency=${encodeURIComponent(heavyAgency)}`,
      "unassigned=1": "unassigned=1",
      "limit=200": "limit=200",
    };
    const list: FeedbackBenchResult["list"] = {};
    const headers = { Authorization: `Bearer ${token}` };
    for (const [name, q] of Object.entries(queries)) {
      const times: number[] = [];
      let items = 0;
      for (let rep = 0; rep < listReps; rep++) {
        const t = performance.now();
        const res = await fetch(`${base}/api/staff/feedback?${q}`, { headers });
        const body = (await res.json()) as { items: unknown[] };
        times.push(performance.now() - t);
        items = body.items.length;
      }
      list[name] = { ...summarize(times), items };
    }
    // Page 50 of the overdue list through the cursor: keyset pagination stays flat.
    {
      let cursor: string | null = null;
      const times: number[] = [];
      for (let page = 0; page < 50; page++) {
        const t = performance.now();
        const res = await fetch(
          `${base}/api/staff/feedback?overdue=1&limit=50${cursor ? `&cursor=${cursor}` : ""}`,
          { headers },
        );
        const body = (await res.json()) as { items: unknown[]; nextCursor: string | null };
        times.push(performance.now() - t);
        cursor = body.nextCursor;
        if (!cursor) break;
      }
      list["overdue=1, 50 pages via cursor"] = { ...summarize(times), items: times.length * 50 };
    }
    log(`  holding the write lock from a second connection for ${holdLockMs / 1000} s…`);
    const heldLock = await runHeldLock(base, db, file, holdLockMs);
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));

    const result: FeedbackBenchResult = {
      seeded: { cases: n, ms: Math.round(seededMs) },
      filing: {
        requests: latencies.length,
        errors,
        seconds: Number(seconds.toFixed(2)),
        perSecond: Math.round(latencies.length / seconds),
        latencyMs: { ...summarize(latencies), p99: percentile(latencies, 99) },
        loopDelayMs: filingLoopDelay,
      },
      heldLock,
      list,
      dbMegabytes: Number((statSync(file).size / 2 ** 20).toFixed(1)),
    };
    const f = (x: number) => x.toFixed(2);
    log(`  seeded in ${(seededMs / 1000).toFixed(1)} s; database ${result.dbMegabytes} MB`);
    log(
      `  POST /api/feedback: ${result.filing.requests} in ${result.filing.seconds} s = ` +
        `${result.filing.perSecond}/s with ${concurrency} in flight, ${errors} errors; ` +
        `p50 ${f(result.filing.latencyMs.p50)} ms, p95 ${f(result.filing.latencyMs.p95)} ms, ` +
        `p99 ${f(result.filing.latencyMs.p99)} ms; event-loop delay p99 ` +
        `${filingLoopDelay.p99} ms, max ${filingLoopDelay.max} ms`,
    );
    const h = heldLock;
    log(`  write lock held ${h.holdMs / 1000} s by a second connection (BEGIN IMMEDIATE):`);
    log(
      `    GET /healthz      p50 ${f(h.healthz.p50)} ms, p99 ${f(h.healthz.p99)} ms, max ${f(h.healthz.max)} ms (${h.healthz.n} requests)`,
    );
    log(
      `    POST /api/ask     p50 ${f(h.ask.p50)} ms, p99 ${f(h.ask.p99)} ms, max ${f(h.ask.max)} ms (${h.ask.n} requests)`,
    );
    log(
      `    POST /api/feedback ${h.filing.created} filed (201), ${h.filing.busy} busy (503), ` +
        `${h.filing.other} other; p50 ${f(h.filing.latencyMs.p50)} ms, max ${f(h.filing.latencyMs.max)} ms; ` +
        `${h.lost} acknowledged but not stored`,
    );
    log(`    event-loop delay p99 ${h.loopDelayMs.p99} ms, max ${h.loopDelayMs.max} ms`);
    log(
      `  GET /api/staff/feedback at ${(n + result.filing.requests).toLocaleString("en")} cases (ms):`,
    );
    for (const [name, s] of Object.entries(list)) {
      log(
        `    ${name.padEnd(34)} p50 ${f(s.p50).padStart(7)}  p95 ${f(s.p95).padStart(7)}  (${s.items} items)`,
      );
    }
    return result;
  } finally {
    await sql?.close();
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  runFeedbackBench().then(
    (r) => console.log(JSON.stringify(r)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
