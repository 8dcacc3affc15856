/**
 * Start time and memory of the real server: starts it exactly as `npm start` does (same node
 * flags, read from package.json: `node <flags…> dist/main.js`), and, for comparison, the same
 * flags through tsx on src/main.ts (`npm run dev`). Each run waits for GET /healthz to answer
 * (start time, wall clock and the process's CPU time), asks a few questions over HTTP, then reads
 * the process's resident memory (VmRSS) and its peak (VmHWM) from /proc before stopping it.
 *
 * The server runs in the checkout as `npm start` would (a .env there applies), with
 * LOCAL_EMBEDDINGS=off so the Python embeddings model is not started, and a temp MOTCUA_DATA_DIR:
 * without channel or LLM settings, that is the web-only default. dist/ must be built first
 * (`npm run bench` builds it; `npx tsx bench/server-rss.ts [rounds]` alone does not).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./stats.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const QUESTIONS = ["làm căn cước cần gì", "lam khai sinh o dau", "phí cấp hộ chiếu bao nhiêu"];
/** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ). */
const TICK_MS = 10;

export type ServerVariant = "compiled" | "tsx";

export interface ServerRun {
  variant: ServerVariant;
  /** From spawn until GET /healthz answered 200. */
  start_ms: number;
  /** CPU time (user + system) the server had used by then. */
  start_cpu_ms: number;
  rss_mb: number;
  peak_rss_mb: number;
  command: string;
}

/** The node arguments of the "start" script: `node <flags…> dist/main.js`. */
export function startCommand(): { flags: string[]; entry: string } {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  const [node, ...args] = pkg.scripts.start.trim().split(/\s+/);
  const entry = args.pop();
  if (node !== "node" || entry === undefined || args.some((a) => !a.startsWith("-"))) {
    throw new Error(`unexpected start script: ${pkg.scripts.start}`);
  }
  return { flags: args, entry };
}

/** Node arguments of one variant: the start script, or its flags with tsx on src/main.ts. */
export function variantArgs(variant: ServerVariant): string[] {
  const { flags, entry } = startCommand();
  return variant === "compiled" ? [...flags, entry] : [...flags, "--import", "tsx", "src/main.ts"];
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, item.name);
    newest = Math.max(newest, item.isDirectory() ? newestMtime(file) : statSync(file).mtimeMs);
  }
  return newest;
}

function assertBuilt(entry: string): void {
  const file = path.join(ROOT, entry);
  if (!existsSync(file)) throw new Error(`${entry} is missing: npm run build`);
  if (newestMtime(path.join(ROOT, "src")) > statSync(file).mtimeMs) {
    throw new Error(`${entry} is older than src/: npm run build`);
  }
}

function procStatusMb(pid: number, key: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return kb / 1024;
}

function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after "(comm) ": state is field 3, utime 14 and stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

export async function measureServer(
  variant: ServerVariant,
  timeoutMs = 60_000,
): Promise<ServerRun> {
  const args = variantArgs(variant);
  if (variant === "compiled") assertBuilt(args[args.length - 1]!);
  const dataDir = mkdtempSync(path.join(tmpdir(), "motcua-bench-"));
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      MOTCUA_DATA_DIR: dataDir,
      LOCAL_EMBEDDINGS: "off",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("server did not start in time")), timeoutMs);
      let buffered = "";
      child.stdout.on("data", (chunk: Buffer) => {
        buffered += chunk.toString("utf8");
        const found = /listening on (http:\/\/[^\s"]+)/.exec(buffered);
        if (found?.[1]) {
          clearTimeout(timer);
          resolve(found[1].replace(/\/+$/, ""));
        }
      });
      child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
    });
    const pid = child.pid!;
    const health = await fetch(`${url}/healthz`);
    if (!health.ok) throw new Error(`GET /healthz answered ${health.status}`);
    await health.json();
    const startMs = performance.now() - started;
    const startCpuMs = procCpuMs(pid);
    for (const question of QUESTIONS) {
      const res = await fetch(`${url}/api/ask`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question }),
      });
      if (!res.ok) throw new Error(`POST /api/ask answered ${res.status}`);
      await res.json();
    }
    return {
      variant,
      start_ms: startMs,
      start_cpu_ms: startCpuMs,
      rss_mb: procStatusMb(pid, "VmRSS"),
      peak_rss_mb: procStatusMb(pid, "VmHWM"),
      command: `node ${args.join(" ")}`,
    };
  } finally {
    child.kill("SIGTERM");
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export interface ServerComparison {
  /** Medians over the runs of each variant. */
  compiled: ServerRun;
  tsx: ServerRun;
  runs: ServerRun[];
  /** compiled / tsx. */
  ratio: { start_ms: number; start_cpu_ms: number; rss_mb: number };
}

function medianRun(runs: readonly ServerRun[]): ServerRun {
  const of = (key: "start_ms" | "start_cpu_ms" | "rss_mb" | "peak_rss_mb") =>
    median(runs.map((r) => r[key]));
  return {
    variant: runs[0]!.variant,
    start_ms: of("start_ms"),
    start_cpu_ms: of("start_cpu_ms"),
    rss_mb: of("rss_mb"),
    peak_rss_mb: of("peak_rss_mb"),
    command: runs[0]!.command,
  };
}

/**
 * The compiled server (as `npm start`) against the same flags through tsx, `rounds` runs of each,
 * alternated so that a busy machine slows both alike.
 */
export async function compareServerStart(rounds = 2): Promise<ServerComparison> {
  const runs: ServerRun[] = [];
  for (let i = 0; i < rounds; i++) {
    runs.push(await measureServer("compiled"));
    runs.push(await measureServer("tsx"));
  }
  const compiled = medianRun(runs.filter((r) => r.variant === "compiled"));
  const tsx = medianRun(runs.filter((r) => r.variant === "tsx"));
  return {
    compiled,
    tsx,
    runs,
    ratio: {
      start_ms: compiled.start_ms / tsx.start_ms,
      start_cpu_ms: compiled.start_cpu_ms / tsx.start_cpu_ms,
      rss_mb: compiled.rss_mb / tsx.rss_mb,
    },
  };
}

const isMain =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const rounds = Number(process.argv[2] ?? 2);
  const result = await compareServerStart(rounds);
  for (const r of result.runs) {
    console.log(
      `${r.variant.padEnd(8)} start ${r.start_ms.toFixed(0)} ms (CPU ${r.start_cpu_ms} ms), RSS ${r.rss_mb.toFixed(1)} MB (peak ${r.peak_rss_mb.toFixed(1)} MB)`,
    );
  }
  console.log(JSON.stringify(result));
}
