/**
 * The memory of the real server: starts src/main.ts exactly as `npm start` does (same node
 * flags, read from package.json), asks a few questions over HTTP, then reads the process's
 * resident memory (VmRSS) and its peak (VmHWM) from /proc before stopping it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const QUESTIONS = ["làm căn cước cần gì", "lam khai sinh o dau", "phí cấp hộ chiếu bao nhiêu"];

export interface ServerRss {
  rss_mb: number;
  peak_rss_mb: number;
  command: string;
}

/** The node arguments of the "start" script: `node <flags…> src/main.ts`. */
function startArgs(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  const [node, ...args] = pkg.scripts.start.split(/\s+/);
  if (node !== "node") throw new Error(`unexpected start script: ${pkg.scripts.start}`);
  return args;
}

function procStatusMb(pid: number, key: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return kb / 1024;
}

export async function measureServerRss(timeoutMs = 60_000): Promise<ServerRss> {
  const args = startArgs();
  const dataDir = mkdtempSync(path.join(tmpdir(), "motcua-bench-"));
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      MOTCUA_DATA_DIR: dataDir,
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
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
    for (const question of QUESTIONS) {
      const res = await fetch(`${url}/api/ask`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question }),
      });
      if (!res.ok) throw new Error(`POST /api/ask answered ${res.status}`);
      await res.json();
    }
    const pid = child.pid!;
    return {
      rss_mb: procStatusMb(pid, "VmRSS"),
      peak_rss_mb: procStatusMb(pid, "VmHWM"),
      command: `node ${args.join(" ")}`,
    };
  } finally {
    child.kill("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  }
}
