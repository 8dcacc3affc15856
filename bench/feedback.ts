/**
 * PAKN queue benchmark: with `cases` cases already in the queue (default 100k), the sustained rate
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
import { loadCalendar, localDate } from "../src/calendar/index.ts";
import { openDatabase, type Database } from "../src/db/index.ts";
import {
  createDeadlineCalculator,
  createFeedbackQueue,
  createProcedureDirectory,
  createStaffAuth,
  loadRules,
  type PaknRules,
} from "../src/feedback/index.ts";
import { createLogger } from "../src/logger.ts";
import { createFeedbackRoutes } from "../src/web/feedback-routes.ts";
import { createServer } from "../src/web/server.ts";
import { percentile, summarize, type LatencySummary } from "./stats.ts";

export interface FeedbackBenchOptions {
  /** Cases in the queue before timing. Default 100 000. */
  cases?: number;
  /** How long to keep filing. Default 10 s. */
  fileForMs?: number;
  /** Requests in flight. Default 8. */
  concurrency?: number;
  /** Timed runs per list query. Default 30. */
  listReps?: number;
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
  };
  list: Record<string, LatencySummary & { items: number }>;
  dbMegabytes: number;
}

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

export async function runFeedbackBench(
  options: FeedbackBenchOptions = {},
): Promise<FeedbackBenchResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  const n = options.cases ?? 100_000;
  const fileForMs = options.fileForMs ?? 10_000;
  const concurrency = options.concurrency ?? 8;
  const listReps = options.listReps ?? 30;
  const dir = mkdtempSync(path.join(tmpdir(), "motcua-bench-fb-"));
  const file = path.join(dir, "motcua.sqlite");
  const db = openDatabase(file);
  const rules = loadRules();
  const now = () => new Date();
  try {
    log(`motcua PAKN bench: seeding ${n.toLocaleString("en")} cases…`);
    const t0 = performance.now();
    seed(db, n, now(), rules);
    const seededMs = performance.now() - t0;
    db.pragma("optimize");

    const token = randomBytes(24).toString("base64url");
    const queue = createFeedbackQueue({
      db,
      now,
      calendar: loadCalendar(),
      rules,
      procedures: createProcedureDirectory(
        CODES.map((code, i) => ({ code, agencies: [AGENCIES[i]!] })),
      ),
    });
    const routes = createFeedbackRoutes({
      queue,
      staff: createStaffAuth([
        { name: "bench", sha256: createHash("sha256").update(token).digest("hex") },
      ]),
      logger: createLogger({ level: "silent" }),
    });
    const server = createServer({
      ask: () => {
        throw new Error("not used");
      },
      logger: createLogger({ level: "silent" }),
      extraRoutes: [routes],
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // Filing: `concurrency` clients in a loop for fileForMs.
    const latencies: number[] = [];
    let errors = 0;
    let i = 0;
    const started = performance.now();
    const deadline = started + fileForMs;
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
      },
      list,
      dbMegabytes: Number((statSync(file).size / 2 ** 20).toFixed(1)),
    };
    const f = (x: number) => x.toFixed(2);
    log(`  seeded in ${(seededMs / 1000).toFixed(1)} s; database ${result.dbMegabytes} MB`);
    log(
      `  POST /api/feedback: ${result.filing.requests} in ${result.filing.seconds} s = ` +
        `${result.filing.perSecond}/s with ${concurrency} in flight, ${errors} errors; ` +
        `p50 ${f(result.filing.latencyMs.p50)} ms, p95 ${f(result.filing.latencyMs.p95)} ms, ` +
        `p99 ${f(result.filing.latencyMs.p99)} ms`,
    );
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
