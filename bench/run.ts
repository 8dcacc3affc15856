/**
 * Retrieval benchmark: our lexical retriever against MiniSearch, SQLite FTS5 and LangChain's
 * BM25Retriever, and our hybrid retriever (lexical + the embeddings model, bench/hybrid.ts), over
 * the same catalogue and the same questions (../shared/eval/faq_dev.jsonl, procedure items, asked
 * accented and accent-stripped). Prints tables, then one JSON object as the last line.
 *
 * The hybrid system starts the embeddings model as the CLI does (MOTCUA_DATA_DIR's vector file;
 * the first run embeds the catalogue, minutes on 2 cores) and stops it once measured; without the
 * model it prints a skip line and its JSON fields are null.
 *
 *   npm run bench
 *
 * Needs data/catalogue.jsonl.gz (`npm run cli -- import`); without ../shared it prints a skip
 * notice and exits 0. Full garbage collections come from bench/memory.ts without a node flag;
 * `node --expose-gc --import tsx bench/run.ts` works too. The RSS target is checked on the real
 * server (bench/server-rss.ts), started as `npm start` starts it (dist/, which `npm run bench`
 * builds first), and compared with the same flags through tsx on src/: start time until GET
 * /healthz answers, and RSS after a few questions over HTTP.
 *
 * Time is bounded: each system gets a wall-clock budget for scoring and one for timing, estimated
 * from a warm-up probe; a system too slow to answer every question within it is scored on an
 * evenly spread sample (the report says so, and gives our scores on the same questions).
 */
import { runChannelsBench } from "./channels.ts";
import { runEnginesBench } from "./engines.ts";
import { runFeedbackBench } from "./feedback.ts";
import { runRemindersBench } from "./reminders.ts";
import { compareServerStart, type ServerComparison } from "./server-rss.ts";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { evaluate, readEvalFile, type EvalItem, type Scores } from "../src/eval/evaluate.ts";
import { foldAccents } from "../src/text/index.ts";
import { DEFAULT_CATALOGUE_FILE, loadBenchCatalogue, MissingCatalogueError } from "./catalogue.ts";
import { gcAvailable, memoryDelta, memorySnapshot, type MemorySnapshot } from "./memory.ts";
import { median, spreadSample, summarize, type LatencySummary } from "./stats.ts";
import { SYSTEMS, type BuiltSystem, type ChildMemory, type SystemSpec } from "./systems.ts";
import { HybridSkipped, hybridSystem } from "./hybrid.ts";

const SHARED_DIR = fileURLToPath(new URL("../../shared/", import.meta.url));
const EVAL_FILE = `${SHARED_DIR}eval/faq_dev.jsonl`;

/** Timed runs per question; the median is kept. */
const REPS = 3;
/** Questions asked first (both variants) to warm up and to estimate a system's cost per question. */
const PROBE_ITEMS = 8;
/** Fewest items a system is scored on / timed on, whatever its cost. */
const MIN_SCORED_ITEMS = 20;
const MIN_TIMED_ITEMS = 8;
/** Wall-clock allowance per system for the scoring pass and for the timing runs (estimates). */
const QUALITY_BUDGET_MS = 50_000;
const LATENCY_BUDGET_MS = 8_000;
const RSS_TARGET_MB = 200;
/** Server starts of each variant (compiled, tsx), alternated; medians are reported. */
const SERVER_ROUNDS = 2;
/** Runs of one question that fell back (BuiltSystem.degraded) before its last answer is kept. */
const MAX_ATTEMPTS = 3;
/** More fallen-back runs than this and the system is not measured (each costs a pause). */
const MAX_FALLBACK_RUNS = 10;

const VARIANTS = ["accented", "stripped"] as const;
type Variant = (typeof VARIANTS)[number];

const ask = (item: EvalItem, v: Variant) =>
  v === "accented" ? item.question : foldAccents(item.question);

interface SystemResult {
  name: string;
  note: string;
  buildMs: number;
  phases?: Record<string, number>;
  memory: MemorySnapshot;
  rssBefore: number;
  rssAfter: number;
  /** Indices (into the procedure items) this system was scored on. */
  scored: number[];
  quality: Record<Variant, Scores>;
  latency: Record<Variant | "all", LatencySummary>;
  predictions: Map<string, string[]>;
  /** The process the system runs beside this one, read after the timed runs. */
  child: ChildMemory | null;
  warnings: string[];
  fallbacks: Fallbacks;
}

/** Runs that fell back from the system's own way of answering: set aside and asked again. */
interface Fallbacks {
  runs: number;
  /** Their times (not in the latency figures). */
  ms: number[];
  /** Questions whose last attempt fell back too: that answer and time were kept. */
  kept: number;
}

async function timed(system: BuiltSystem, question: string) {
  const t0 = performance.now();
  const out = system.search(question);
  const codes = out instanceof Promise ? await out : out;
  return { ms: performance.now() - t0, codes };
}

/**
 * One run of a question as the system answers it: after settle() (outside the time), and again
 * when the answer fell back (counted in `fallbacks`), up to MAX_ATTEMPTS runs.
 */
async function timedRun(system: BuiltSystem, question: string, fallbacks: Fallbacks) {
  for (let attempt = 1; ; attempt++) {
    await system.settle?.();
    const run = await timed(system, question);
    if (!system.degraded?.()) return run;
    if (attempt === MAX_ATTEMPTS) {
      fallbacks.kept++;
      return run;
    }
    fallbacks.runs++;
    fallbacks.ms.push(run.ms);
    if (fallbacks.runs > MAX_FALLBACK_RUNS) {
      throw new Error(
        `more than ${MAX_FALLBACK_RUNS} runs fell back to lexical only (the embeddings calls keep failing or are too slow for their time limit)`,
      );
    }
  }
}

async function benchSystem(
  spec: SystemSpec,
  catalogue: Parameters<SystemSpec["build"]>[0],
  items: readonly EvalItem[],
): Promise<SystemResult> {
  const before = memorySnapshot();
  const t0 = performance.now();
  const system = await spec.build(catalogue);
  const buildMs = performance.now() - t0;
  try {
    return await measure(spec, system, items, { before, buildMs });
  } finally {
    await system.stop?.();
  }
}

async function measure(
  spec: SystemSpec,
  system: BuiltSystem,
  items: readonly EvalItem[],
  { before, buildMs }: { before: MemorySnapshot; buildMs: number },
): Promise<SystemResult> {
  const after = memorySnapshot();
  const memory = memoryDelta(before, after);

  // Warm-up probe; its answers count for scoring, its times only for the cost estimate.
  const predictions = new Map<string, string[]>();
  const fallbacks: Fallbacks = { runs: 0, ms: [], kept: 0 };
  const probeTimes: number[] = [];
  const answer = async (item: EvalItem, v: Variant) => {
    const q = ask(item, v);
    if (predictions.has(q)) return;
    const { ms, codes } = await timedRun(system, q, fallbacks);
    predictions.set(q, codes);
    probeTimes.push(ms);
  };
  for (const i of spreadSample(items.length, PROBE_ITEMS)) {
    for (const v of VARIANTS) await answer(items[i]!, v);
  }
  // Mean, not median: a long tail of slow questions is what overruns a budget.
  const perQuestion = probeTimes.reduce((a, b) => a + b, 0) / probeTimes.length;
  const affordable = (budget: number, perItem: number) =>
    Math.floor(budget / Math.max(1e-3, perItem * perQuestion));

  const scoredCount = Math.min(
    items.length,
    Math.max(
      MIN_SCORED_ITEMS,
      affordable(spec.budgetMs?.quality ?? QUALITY_BUDGET_MS, VARIANTS.length),
    ),
  );
  const scored = spreadSample(items.length, scoredCount);
  for (const i of scored) for (const v of VARIANTS) await answer(items[i]!, v);

  // Every question has now been asked once (the warm-up pass); time the runs.
  const timedCount = Math.min(
    scored.length,
    Math.max(
      MIN_TIMED_ITEMS,
      affordable(spec.budgetMs?.latency ?? LATENCY_BUDGET_MS, VARIANTS.length * REPS),
    ),
  );
  const timedItems = spreadSample(scored.length, timedCount).map((j) => scored[j]!);
  const times: Record<Variant, number[]> = { accented: [], stripped: [] };
  for (const v of VARIANTS) {
    for (const i of timedItems) {
      const q = ask(items[i]!, v);
      const runs: number[] = [];
      for (let r = 0; r < REPS; r++) runs.push((await timedRun(system, q, fallbacks)).ms);
      times[v].push(median(runs));
    }
  }

  const child = system.childMemory?.() ?? null;
  const subset = scored.map((i) => items[i]!);
  const quality = scoreSubset(subset, predictions);
  return {
    name: spec.name,
    note: spec.note,
    buildMs,
    ...(system.phases ? { phases: system.phases } : {}),
    memory,
    rssBefore: before.rss,
    rssAfter: after.rss,
    scored,
    quality,
    latency: {
      all: summarize([...times.accented, ...times.stripped]),
      accented: summarize(times.accented),
      stripped: summarize(times.stripped),
    },
    predictions,
    child,
    warnings: system.warnings?.() ?? [],
    fallbacks,
  };
}

function scoreSubset(
  subset: readonly EvalItem[],
  predictions: ReadonlyMap<string, string[]>,
): Record<Variant, Scores> {
  const predict = (q: string) => ({
    intent: "procedure" as const,
    codes: predictions.get(q) ?? [],
  });
  return {
    accented: evaluate(subset, predict).overall,
    stripped: evaluate(subset, predict, { stripAccents: true }).overall,
  };
}

/** The hybrid system, or why it was not measured (never throws: the bench goes on without it). */
async function benchHybrid(
  catalogueFile: string,
  catalogue: Parameters<SystemSpec["build"]>[0],
  items: readonly EvalItem[],
): Promise<{ hybrid: SystemResult | null; hybridSkipped: string | null }> {
  const spec = hybridSystem({ catalogueFile, log: (line) => console.log(`  ${line}`) });
  try {
    return { hybrid: await benchSystem(spec, catalogue, items), hybridSkipped: null };
  } catch (err) {
    if (err instanceof HybridSkipped) return { hybrid: null, hybridSkipped: err.message };
    console.error(err);
    return { hybrid: null, hybridSkipped: `failed: ${(err as Error).message}` };
  }
}

/** The peer with the best accented hit@1 (the JSON's peer_* fields). */
function betterPeer(peers: readonly SystemResult[]): SystemResult {
  return peers.reduce((best, r) =>
    (r.quality.accented.hit1 ?? -1) > (best.quality.accented.hit1 ?? -1) ? r : best,
  );
}

// ---------------------------------------------------------------------------------------- output

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "–");
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "–");
const pc = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)}%`);
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r4 = (x: number | null) => (x === null ? null : Math.round(x * 10000) / 10000);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function systemJson(r: SystemResult, ours: SystemResult, items: readonly EvalItem[]) {
  const same = scoreSubset(
    r.scored.map((i) => items[i]!),
    ours.predictions,
  );
  return {
    name: r.name,
    note: r.note,
    build_ms: r3(r.buildMs),
    ...(r.phases
      ? {
          build_phases_ms: Object.fromEntries(Object.entries(r.phases).map(([k, v]) => [k, r3(v)])),
        }
      : {}),
    heap_mb: r3(r.memory.heapUsed),
    external_mb: r3(r.memory.external),
    rss_delta_mb: r3(r.memory.rss),
    rss_before_mb: r3(r.rssBefore),
    rss_after_mb: r3(r.rssAfter),
    timed_questions: r.latency.all.n,
    p50_ms: r3(r.latency.all.p50),
    p95_ms: r3(r.latency.all.p95),
    mean_ms: r3(r.latency.all.mean),
    p95_accented_ms: r3(r.latency.accented.p95),
    p95_stripped_ms: r3(r.latency.stripped.p95),
    scored_items: r.scored.length,
    fallback_runs: r.fallbacks.runs,
    fallback_answers_kept: r.fallbacks.kept,
    hit1: r4(r.quality.accented.hit1),
    hit5: r4(r.quality.accented.hit5),
    mrr10: r4(r.quality.accented.mrr10),
    hit1_stripped: r4(r.quality.stripped.hit1),
    hit5_stripped: r4(r.quality.stripped.hit5),
    mrr10_stripped: r4(r.quality.stripped.mrr10),
    ...(r === ours
      ? {}
      : {
          ours_hit1_same_items: r4(same.accented.hit1),
          ours_hit5_same_items: r4(same.accented.hit5),
          ours_hit1_stripped_same_items: r4(same.stripped.hit1),
          p95_ratio_ours_over_peer: r3(ours.latency.all.p95 / r.latency.all.p95),
          build_ratio_ours_over_peer: r3(ours.buildMs / r.buildMs),
        }),
  };
}

/** Start time and RSS of the compiled server (npm start) against tsx, medians of SERVER_ROUNDS. */
function printServerComparison(c: ServerComparison): void {
  const n = c.runs.length / 2;
  console.log(
    `server start until GET /healthz answers, and RSS after ${n === 1 ? "one run" : `${n} runs`} each (medians; web-only, LOCAL_EMBEDDINGS=off):`,
  );
  for (const r of [c.compiled, c.tsx]) {
    console.log(
      `  ${r.variant.padEnd(8)} start ${f1(r.start_ms)} ms (CPU ${f1(r.start_cpu_ms)} ms), RSS ${f1(r.rss_mb)} MB (peak ${f1(r.peak_rss_mb)} MB)  \`${r.command}\``,
    );
  }
  console.log(
    `  compiled / tsx: start ${f2(c.ratio.start_ms)}×, start CPU ${f2(c.ratio.start_cpu_ms)}×, RSS ${f2(c.ratio.rss_mb)}×`,
  );
}

function serverJson(c: ServerComparison) {
  return {
    start_ms: r3(c.compiled.start_ms),
    start_cpu_ms: r3(c.compiled.start_cpu_ms),
    tsx_start_ms: r3(c.tsx.start_ms),
    tsx_start_cpu_ms: r3(c.tsx.start_cpu_ms),
    tsx_rss_mb: r3(c.tsx.rss_mb),
    start_ratio_compiled_over_tsx: r3(c.ratio.start_ms),
    start_cpu_ratio_compiled_over_tsx: r3(c.ratio.start_cpu_ms),
    rss_ratio_compiled_over_tsx: r3(c.ratio.rss_mb),
  };
}

// ------------------------------------------------------------------------------------------ main

async function main(): Promise<number> {
  const started = performance.now();
  if (!existsSync(EVAL_FILE)) {
    const reason = `evaluation questions not found: ${EVAL_FILE} (../shared is absent)`;
    console.log(`bench skipped: ${reason}`);
    console.log(JSON.stringify({ skipped: true, reason }));
    return 0;
  }

  const file = DEFAULT_CATALOGUE_FILE;
  if (!existsSync(file)) {
    const error = new MissingCatalogueError(file).message;
    console.error(`bench: ${error}`);
    console.log(JSON.stringify({ skipped: false, error }));
    return 1;
  }

  // First, alone: the RSS target, in a process that holds only the catalogue and our index.
  let t = performance.now();
  const servers = await compareServerStart(SERVER_ROUNDS).catch((err: unknown) => {
    console.error(`bench: server start and RSS not measured: ${(err as Error).message}`);
    return null;
  });
  const probe = servers?.compiled ?? null;
  const probeMs = performance.now() - t;

  t = performance.now();
  const catalogue = loadBenchCatalogue(file);
  const loadMs = performance.now() - t;
  const items = readEvalFile(EVAL_FILE).filter((i) => i.kind === "procedure" && i.accept.length);

  console.log("motcua retrieval bench");
  console.log(
    `catalogue  ${catalogue.length} procedures from ${file} (loaded in ${f1(loadMs)} ms)`,
  );
  console.log(
    `questions  ${items.length} procedure items from ${EVAL_FILE}, each asked accented and accent-stripped`,
  );
  console.log(
    `memory     ${gcAvailable ? "full GC before every reading" : "no GC available: readings include garbage"}; heap = JS heap used, ext = external (typed arrays), RSS Δ = resident set growth (RSS seldom shrinks: later systems can reuse freed pages)`,
  );
  console.log(
    `latency    one warm-up pass over every question, then each timed question run ${REPS}× and the median kept; p50/p95/mean over accented + stripped questions`,
  );
  console.log("");
  console.log(`  server start and RSS (compiled and tsx): done in ${f1(probeMs / 1000)} s`);

  const results: SystemResult[] = [];
  for (const spec of SYSTEMS) {
    t = performance.now();
    results.push(await benchSystem(spec, catalogue, items));
    console.log(`  ${spec.name}: done in ${f1((performance.now() - t) / 1000)} s`);
  }
  // Last, alone: the embeddings model's process runs only while the hybrid system is measured.
  t = performance.now();
  const { hybrid, hybridSkipped } = await benchHybrid(file, catalogue, items);
  console.log(
    hybrid
      ? `  hybrid: done in ${f1((performance.now() - t) / 1000)} s`
      : `  hybrid: SKIPPED — ${hybridSkipped}`,
  );
  console.log("");
  const ours = results[0]!;
  const peers = results.slice(1);
  const fts5 = results.find((r) => r.name === "sqlite-fts5") ?? null;
  /** Every system measured, in table order: ours, hybrid, the peers. */
  const shown = [ours, ...(hybrid ? [hybrid] : []), ...peers];

  console.log(
    table(
      [
        "system",
        "build ms",
        "heap MB",
        "ext MB",
        "RSS Δ MB",
        "p50 ms",
        "p95 ms",
        "mean ms",
        "p95 strip",
        "timed",
      ],
      shown.map((r) => [
        r.name,
        f1(r.buildMs),
        f1(r.memory.heapUsed),
        f1(r.memory.external),
        f1(r.memory.rss),
        f2(r.latency.all.p50),
        f2(r.latency.all.p95),
        f2(r.latency.all.mean),
        f2(r.latency.stripped.p95),
        `${r.latency.all.n} q × ${REPS}`,
      ]),
    ),
  );
  for (const r of shown) {
    if (!r.phases) continue;
    console.log(
      `${r === ours ? "ours" : r.name} build: ${Object.entries(r.phases)
        .map(([k, v]) => `${k} ${f1(v)} ms`)
        .join(", ")}`,
    );
  }
  console.log("");
  console.log(
    table(
      ["system", "items", "hit@1", "hit@5", "MRR@10", "strip hit@1", "strip hit@5", "strip MRR@10"],
      shown.map((r) => [
        r.name,
        String(r.scored.length),
        pc(r.quality.accented.hit1),
        pc(r.quality.accented.hit5),
        pc(r.quality.accented.mrr10),
        pc(r.quality.stripped.hit1),
        pc(r.quality.stripped.hit5),
        pc(r.quality.stripped.mrr10),
      ]),
    ),
  );
  for (const r of shown.slice(1)) {
    if (r.scored.length === items.length) continue;
    const same = scoreSubset(
      r.scored.map((i) => items[i]!),
      ours.predictions,
    );
    console.log(
      `${r.name} was scored on ${r.scored.length} evenly spread items (too slow for all within the budget); ours on the same items: hit@1 ${pc(same.accented.hit1)}, hit@5 ${pc(same.accented.hit5)}, strip hit@1 ${pc(same.stripped.hit1)}, strip hit@5 ${pc(same.stripped.hit5)}`,
    );
  }
  console.log("");
  for (const r of peers) {
    console.log(
      `ours / ${r.name}: p95 ${f2(ours.latency.all.p95 / r.latency.all.p95)}×, build ${f2(ours.buildMs / r.buildMs)}×`,
    );
  }
  const bestPeer = betterPeer(peers);
  if (hybrid) {
    const points = (a: number | null, b: number | null) =>
      a === null || b === null ? "–" : `${((a - b) * 100).toFixed(1)} points`;
    console.log(
      `hybrid / ours: p50 ${f2(hybrid.latency.all.p50 / ours.latency.all.p50)}×, p95 ${f2(hybrid.latency.all.p95 / ours.latency.all.p95)}× (each run embeds its question); hit@1 ${points(hybrid.quality.accented.hit1, ours.quality.accented.hit1)}, hit@5 ${points(hybrid.quality.accented.hit5, ours.quality.accented.hit5)}, strip hit@1 ${points(hybrid.quality.stripped.hit1, ours.quality.stripped.hit1)}`,
    );
    console.log(
      `hybrid / ${bestPeer.name}: p95 ${f2(hybrid.latency.all.p95 / bestPeer.latency.all.p95)}×; hit@1 ${points(hybrid.quality.accented.hit1, bestPeer.quality.accented.hit1)}, hit@5 ${points(hybrid.quality.accented.hit5, bestPeer.quality.accented.hit5)}`,
    );
  }
  for (const r of shown) {
    const f = r.fallbacks;
    if (f.runs || f.kept) {
      console.log(
        `${r.name}: ${f.runs} runs fell back to lexical only (embedding call failed or too slow; median ${f1(median(f.ms))} ms), not counted and asked again after the pause; ${f.kept} questions kept a fallen-back answer after ${MAX_ATTEMPTS} tries`,
      );
    }
    for (const w of new Set(r.warnings)) console.log(`${r.name}: warning: ${w}`);
  }
  console.log("systems:");
  for (const r of shown) console.log(`  ${r.name.padEnd(15)} ${r.note}`);
  // Without the child's figure, this process (after our build) stands in, peer libraries and all.
  const rss = probe ?? { rss_mb: ours.rssAfter, peak_rss_mb: Number.NaN, command: "" };
  console.log(
    `server RSS with the full catalogue, after answering over HTTP: ${f1(rss.rss_mb)} MB ` +
      (probe
        ? `(\`${rss.command}\`, as npm start; peak ${f1(rss.peak_rss_mb)} MB)`
        : "(this process: the server could not be measured)") +
      `; target < ${RSS_TARGET_MB} MB: ${rss.rss_mb < RSS_TARGET_MB ? "ok" : "OVER"}`,
  );
  const embed = hybrid?.child ?? null;
  console.log(
    embed
      ? `embeddings model RSS after the hybrid runs: ${f1(embed.rssMb)} MB (peak ${f1(embed.peakRssMb)} MB; motcua-embeddings-serve, pid ${embed.pid}); with the server above: ${f1(embed.rssMb + rss.rss_mb)} MB`
      : `embeddings model RSS: not measured (${hybrid ? "no local model process: an EMBEDDINGS_* endpoint is used" : "hybrid skipped"})`,
  );
  if (servers) printServerComparison(servers);
  console.log("\nPAKN queue: filing over HTTP and staff lists with 100k cases");
  const feedback = await runFeedbackBench({ log: (line) => console.log(`  ${line}`) });
  console.log("\nChannels: Telegram and Zalo adapters → core → reply, against fake servers");
  const channels = await runChannelsBench({ log: (line) => console.log(`  ${line}`) });
  console.log(
    "\nReminders: 10,000 due reminders over 500 groups through a rate-limited fake Bot API",
  );
  const reminders = await runRemindersBench({ log: (line) => console.log(`  ${line}`) });
  console.log("\nPAKN on SQLite and PostgreSQL, one and two instances (processes) on one database");
  const engines = await runEnginesBench({ log: (line) => console.log(`  ${line}`) });
  const engine = (e: "sqlite" | "postgres", n: 1 | 2) =>
    engines.rows.find((r) => r.engine === e && r.instances === n) ?? null;
  const totalS = (performance.now() - started) / 1000;
  console.log(`total ${f1(totalS)} s`);

  const peer = bestPeer;
  console.log(
    JSON.stringify({
      p95_ms: r3(ours.latency.all.p95),
      peer_p95_ms: r3(peer.latency.all.p95),
      hit1: r4(ours.quality.accented.hit1),
      hit5: r4(ours.quality.accented.hit5),
      peer_hit1: r4(peer.quality.accented.hit1),
      peer_hit5: r4(peer.quality.accented.hit5),
      peer_name: peer.name,
      build_ms: r3(ours.buildMs),
      peer_build_ms: r3(peer.buildMs),
      rss_mb: r3(rss.rss_mb),
      rss_peak_mb: r3(rss.peak_rss_mb),
      rss_isolated: probe !== null,
      rss_target_mb: RSS_TARGET_MB,
      ...(servers ? serverJson(servers) : {}),
      hit1_stripped: r4(ours.quality.stripped.hit1),
      hit5_stripped: r4(ours.quality.stripped.hit5),
      peer_hit1_stripped: r4(peer.quality.stripped.hit1),
      peer_hit5_stripped: r4(peer.quality.stripped.hit5),
      items: items.length,
      procedures: catalogue.length,
      catalogue: file,
      gc: gcAvailable,
      reps: REPS,
      total_s: r3(totalS),
      feedback_per_s: r3(feedback.filing.perSecond),
      feedback_p95_ms: r3(feedback.filing.latencyMs.p95),
      feedback_loop_delay_p99_ms: r3(feedback.filing.loopDelayMs.p99),
      feedback_loop_delay_max_ms: r3(feedback.filing.loopDelayMs.max),
      held_lock_healthz_max_ms: r3(feedback.heldLock.healthz.max),
      held_lock_ask_max_ms: r3(feedback.heldLock.ask.max),
      held_lock_loop_delay_p99_ms: r3(feedback.heldLock.loopDelayMs.p99),
      held_lock_loop_delay_max_ms: r3(feedback.heldLock.loopDelayMs.max),
      held_lock_filings_lost: feedback.heldLock.lost,
      telegram_per_s: r3(channels.telegram.perSecond),
      telegram_p95_ms: r3(channels.telegram.latencyMs.p95),
      zalo_per_s: r3(channels.zalo.perSecond),
      zalo_p95_ms: r3(channels.zalo.latencyMs.p95),
      reminders_lost: reminders.lost,
      reminders_duplicates: reminders.duplicates,
      reminders_seconds: r3(reminders.totalSeconds),
      reminders_over_minimum_percent: r3(reminders.overMinimumPercent),
      reminders_min_seconds: r3(reminders.minimumSeconds),
      hybrid_p95_ms: hybrid ? r3(hybrid.latency.all.p95) : null,
      hybrid_p50_ms: hybrid ? r3(hybrid.latency.all.p50) : null,
      hybrid_hit1: hybrid ? r4(hybrid.quality.accented.hit1) : null,
      hybrid_hit5: hybrid ? r4(hybrid.quality.accented.hit5) : null,
      hybrid_hit1_stripped: hybrid ? r4(hybrid.quality.stripped.hit1) : null,
      hybrid_hit5_stripped: hybrid ? r4(hybrid.quality.stripped.hit5) : null,
      hybrid_p95_ratio_over_ours: hybrid ? r3(hybrid.latency.all.p95 / ours.latency.all.p95) : null,
      hybrid_query_cache: hybrid ? "off" : null,
      hybrid_fallback_runs: hybrid ? hybrid.fallbacks.runs : null,
      hybrid_fallback_answers_kept: hybrid ? hybrid.fallbacks.kept : null,
      hybrid_skipped: hybridSkipped,
      fts5_p95_ms: fts5 ? r3(fts5.latency.all.p95) : null,
      fts5_p50_ms: fts5 ? r3(fts5.latency.all.p50) : null,
      fts5_hit1: fts5 ? r4(fts5.quality.accented.hit1) : null,
      fts5_hit5: fts5 ? r4(fts5.quality.accented.hit5) : null,
      fts5_hit1_stripped: fts5 ? r4(fts5.quality.stripped.hit1) : null,
      fts5_hit5_stripped: fts5 ? r4(fts5.quality.stripped.hit5) : null,
      ...Object.fromEntries(
        (["sqlite", "postgres"] as const).flatMap((e) =>
          ([1, 2] as const).flatMap((n) => {
            const r = engine(e, n);
            return [
              [`${e}_${n}x_filing_per_s`, r ? r3(r.filingsPerSecond) : null],
              [`${e}_${n}x_list_per_s`, r ? r3(r.listsPerSecond) : null],
            ];
          }),
        ),
      ),
      engines_lost: engines.rows.reduce((n, r) => n + r.lost + r.duplicateRefs, 0),
      embed_rss_mb: embed ? r3(embed.rssMb) : null,
      embed_peak_rss_mb: embed ? r3(embed.peakRssMb) : null,
      systems: shown.map((r) => systemJson(r, ours, items)),
    }),
  );
  return 0;
}

process.exitCode = await main();
