/**
 * One "instance" of bench/engines.ts: a process with its own connection (SQLite file or
 * PostgreSQL pool) and its own PAKN store, running one loop and printing its figures as JSON.
 * The task comes as JSON on stdin.
 */
import { loadCalendar } from "../src/calendar/index.ts";
import { createSqliteSql, openPostgres, type SqlDatabase } from "../src/db/index.ts";
import {
  createDeadlineCalculator,
  createFeedbackStore,
  createProcedureDirectory,
  loadRules,
  OPEN_STATUSES,
  type FeedbackStore,
} from "../src/feedback/index.ts";
import { percentile } from "./stats.ts";

export interface InstanceTask {
  engine: "sqlite" | "postgres";
  /** The SQLite file or the PostgreSQL URL. */
  target: string;
  mode: "seed" | "file" | "list" | "check";
  seconds: number;
  concurrency: number;
  instance?: number;
  /** seed: how many cases. */
  cases?: number;
  /** check: the references to find. */
  refs?: string[];
}

export interface InstanceResult {
  done: number;
  errors: number;
  p95Ms: number;
  /** file: the references acknowledged. */
  refs: string[];
  /** check: references not found. */
  missing: number;
}

const TEXT =
  "Cán bộ tiếp nhận yêu cầu nộp thêm giấy tờ không có trong quy định, hồ sơ bị trả lại nhiều lần.";
const AGENCIES = Array.from({ length: 40 }, (_, i) => `UBND xã số ${i}`);

async function open(task: InstanceTask): Promise<SqlDatabase> {
  return task.engine === "sqlite"
    ? createSqliteSql({ file: task.target })
    : openPostgres({ url: task.target, poolSize: task.concurrency + 2 });
}

/** Runs `step` from `concurrency` workers until `until()` says stop; times each call. */
async function loop(
  concurrency: number,
  until: () => boolean,
  step: (i: number) => Promise<void>,
): Promise<{ done: number; errors: number; times: number[] }> {
  let n = 0;
  let errors = 0;
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!until()) {
        const i = n++;
        const t0 = performance.now();
        try {
          await step(i);
          times.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { done: times.length, errors, times };
}

async function run(task: InstanceTask, store: FeedbackStore): Promise<InstanceResult> {
  const refs: string[] = [];
  const file = async (i: number) => {
    const filed = await store.fileCase({
      channel: "web",
      userId: `i${task.instance ?? 0}-u${i}`,
      text: TEXT,
      agency: AGENCIES[i % AGENCIES.length]!,
    });
    refs.push(filed.ref);
  };
  const result = (r: { done: number; errors: number; times: number[] }, missing = 0) => ({
    done: r.done,
    errors: r.errors,
    p95Ms: r.times.length ? percentile(r.times, 95) : 0,
    refs,
    missing,
  });

  if (task.mode === "seed") {
    const total = task.cases ?? 0;
    let started = 0;
    return result(await loop(task.concurrency, () => started++ >= total, file));
  }
  if (task.mode === "check") {
    let missing = 0;
    for (const ref of task.refs ?? []) if (!(await store.byRef(ref))) missing++;
    return { done: task.refs?.length ?? 0, errors: 0, p95Ms: 0, refs: [], missing };
  }
  const end = performance.now() + task.seconds * 1000;
  const until = () => performance.now() >= end;
  if (task.mode === "file") return result(await loop(task.concurrency, until, file));
  // The desk's list: open cases, first page then the next one, with one agency's scope half the time.
  return result(
    await loop(task.concurrency, until, async (i) => {
      const filter = {
        statuses: OPEN_STATUSES,
        limit: 50,
        ...(i % 2 === 0 ? { agencyIn: [AGENCIES[i % AGENCIES.length]!] } : {}),
      };
      const first = await store.list(filter);
      if (first.nextCursor) await store.list({ ...filter, cursor: first.nextCursor });
    }),
  );
}

async function main(): Promise<void> {
  let input = "";
  for await (const chunk of process.stdin) input += String(chunk);
  const task = JSON.parse(input) as InstanceTask;
  const sql = await open(task);
  const calendar = loadCalendar();
  const store = createFeedbackStore({
    sql,
    now: () => new Date(),
    deadlines: createDeadlineCalculator(loadRules(), calendar),
    calendar,
    procedures: createProcedureDirectory([]),
  });
  try {
    process.stdout.write(`${JSON.stringify(await run(task, store))}\n`);
  } finally {
    await sql.close();
  }
}

await main();
