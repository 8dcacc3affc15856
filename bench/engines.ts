/**
 * PAKN on both engines (issue 15): filing and staff-list throughput through the PAKN store
 * (src/feedback/sql-store.ts) on SQLite (the embedded default) and on PostgreSQL, with one
 * instance and with two instances — two processes on one database, as two servers behind a load
 * balancer would be. Each instance is a child process (bench/engine-instance.ts) running the same
 * loop for the same time; the figures are the sum over instances, and PostgreSQL's are also given
 * as a ratio of SQLite's measured in the same run.
 *
 * PostgreSQL comes from MOTCUA_BENCH_POSTGRES_URL or MOTCUA_TEST_POSTGRES_URL (an account that may
 * create databases; `eval "$(bash scripts/test-postgres.sh)"` sets the latter): a fresh database
 * per run, dropped afterwards. Without either, the PostgreSQL rows are skipped with a line.
 *
 *   npx tsx bench/engines.ts     (also part of `npm run bench`)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabase } from "../test/helpers/pg-database.ts";
import type { InstanceResult, InstanceTask } from "./engine-instance.ts";

export interface EnginesBenchOptions {
  /** Seconds each loop runs. Default 5. */
  seconds?: number;
  /** Cases filed before the list runs are timed. Default 2000. */
  seedCases?: number;
  /** Requests in flight per instance. Default 8. */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface EngineFigures {
  engine: "sqlite" | "postgres";
  instances: 1 | 2;
  filingsPerSecond: number;
  filingP95Ms: number;
  listsPerSecond: number;
  listP95Ms: number;
  errors: number;
  /** Filings acknowledged whose case is missing afterwards; references given twice. */
  lost: number;
  duplicateRefs: number;
}

export interface EnginesBenchResult {
  rows: EngineFigures[];
  /** PostgreSQL's throughput over SQLite's, same instances. Null without PostgreSQL. */
  ratios: { instances: 1 | 2; filing: number; list: number }[] | null;
}

const INSTANCE = fileURLToPath(new URL("./engine-instance.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url));

function runInstance(task: InstanceTask): Promise<InstanceResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", INSTANCE], {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`engine instance exited ${code}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").at(-1)!) as InstanceResult);
      } catch (err) {
        reject(err as Error);
      }
    });
    child.stdin.end(JSON.stringify(task));
  });
}

/** `n` instances started together on one database; resolves with each one's figures. */
const together = (n: number, task: InstanceTask) =>
  Promise.all(Array.from({ length: n }, (_, i) => runInstance({ ...task, instance: i })));

const round = (n: number, digits = 1) => Number(n.toFixed(digits));

async function measure(
  engine: "sqlite" | "postgres",
  target: string,
  instances: 1 | 2,
  o: Required<Omit<EnginesBenchOptions, "log">>,
): Promise<EngineFigures> {
  const base = { engine, target, seconds: o.seconds, concurrency: o.concurrency };
  const filing = await together(instances, { ...base, mode: "file" });
  const lists = await together(instances, { ...base, mode: "list" });
  const refs = filing.flatMap((r) => r.refs);
  // Every acknowledged reference is read back by one more instance: none lost, none twice.
  const [check] = await together(1, { ...base, mode: "check", refs });
  const sum = (rs: InstanceResult[]) => rs.reduce((n, r) => n + r.done, 0);
  const p95 = (rs: InstanceResult[]) => Math.max(...rs.map((r) => r.p95Ms));
  return {
    engine,
    instances,
    filingsPerSecond: round(sum(filing) / o.seconds),
    filingP95Ms: round(p95(filing)),
    listsPerSecond: round(sum(lists) / o.seconds),
    listP95Ms: round(p95(lists)),
    errors: [...filing, ...lists].reduce((n, r) => n + r.errors, 0),
    lost: check!.missing,
    duplicateRefs: refs.length - new Set(refs).size,
  };
}

export async function runEnginesBench(
  options: EnginesBenchOptions = {},
): Promise<EnginesBenchResult> {
  const log = options.log ?? console.log;
  const o = {
    seconds: options.seconds ?? 5,
    seedCases: options.seedCases ?? 2000,
    concurrency: options.concurrency ?? 8,
  };
  const rows: EngineFigures[] = [];
  const print = (r: EngineFigures) =>
    log(
      `${r.engine.padEnd(8)} ${r.instances} instance${r.instances > 1 ? "s" : " "}  ` +
        `filing ${String(r.filingsPerSecond).padStart(7)}/s p95 ${String(r.filingP95Ms).padStart(6)} ms  ` +
        `list ${String(r.listsPerSecond).padStart(7)}/s p95 ${String(r.listP95Ms).padStart(6)} ms  ` +
        `errors ${r.errors}, lost ${r.lost}, duplicate refs ${r.duplicateRefs}`,
    );

  const dir = mkdtempSync(path.join(tmpdir(), "motcua-engines-"));
  try {
    for (const instances of [1, 2] as const) {
      const file = path.join(dir, `pakn-${instances}.sqlite`);
      await together(1, {
        engine: "sqlite",
        target: file,
        mode: "seed",
        cases: o.seedCases,
        seconds: 0,
        concurrency: o.concurrency,
      });
      const r = await measure("sqlite", file, instances, o);
      rows.push(r);
      print(r);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const admin = process.env.MOTCUA_BENCH_POSTGRES_URL || process.env.MOTCUA_TEST_POSTGRES_URL;
  if (!admin) {
    log(
      'postgres skipped: set MOTCUA_BENCH_POSTGRES_URL (or eval "$(bash scripts/test-postgres.sh)")',
    );
    return { rows, ratios: null };
  }
  for (const instances of [1, 2] as const) {
    const db = await createDatabase(admin, { prefix: "motcua_bench" });
    try {
      await together(1, {
        engine: "postgres",
        target: db.url,
        mode: "seed",
        cases: o.seedCases,
        seconds: 0,
        concurrency: o.concurrency,
      });
      const r = await measure("postgres", db.url, instances, o);
      rows.push(r);
      print(r);
    } finally {
      await db.drop();
    }
  }
  const ratios = ([1, 2] as const).map((instances) => {
    const s = rows.find((r) => r.engine === "sqlite" && r.instances === instances)!;
    const p = rows.find((r) => r.engine === "postgres" && r.instances === instances)!;
    return {
      instances,
      filing: round(p.filingsPerSecond / s.filingsPerSecond, 2),
      list: round(p.listsPerSecond / s.listsPerSecond, 2),
    };
  });
  for (const r of ratios) {
    log(`postgres/sqlite, ${r.instances} instance(s): filing ×${r.filing}, list ×${r.list}`);
  }
  return { rows, ratios };
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  runEnginesBench().then(
    (r) => console.log(JSON.stringify(r)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
