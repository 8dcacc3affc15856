/**
 * Nothing acknowledged is lost: a child process files cases in a burst and is killed with SIGKILL
 * in the middle; every reference it printed (after commit) must be in the database, each with its
 * history row, and SQLite's integrity check must pass. Twice on the same file, so the second run
 * also recovers the WAL left by the first kill.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/index.ts";
import { tempDbFile } from "./helpers.ts";

const CHILD = fileURLToPath(new URL("./burst-child.ts", import.meta.url));

/** Runs the child until it has acknowledged `killAfter` cases, SIGKILLs it, returns every ack. */
function burst(
  file: string,
  killAfter: number,
): Promise<{ acked: string[]; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, file], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const acked: string[] = [];
    let buffer = "";
    let stderr = "";
    let killed = false;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop()!; // a partial line is not an acknowledgement
      for (const line of lines) if (line.startsWith("PAKN-")) acked.push(line);
      if (!killed && acked.length >= killAfter) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (_code, signal) => {
      if (!killed) reject(new Error(`child ended before the kill: ${stderr}`));
      else resolve({ acked, signal });
    });
  });
}

describe("durability", () => {
  it("every acknowledged case survives kill -9 mid-burst, and the file is intact", async () => {
    const file = tempDbFile();
    const all: string[] = [];
    for (const killAfter of [400, 250]) {
      const { acked, signal } = await burst(file, killAfter);
      expect(signal).toBe("SIGKILL");
      expect(acked.length).toBeGreaterThanOrEqual(killAfter);
      all.push(...acked);
    }
    const db = openDatabase(file);
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      const refs = new Set(
        (db.prepare("SELECT ref FROM feedback_cases").all() as { ref: string }[]).map((r) => r.ref),
      );
      const lost = all.filter((r) => !refs.has(r));
      expect(lost).toEqual([]);
      // The second run went on numbering after the first: no reference handed out twice.
      expect(new Set(all).size).toBe(all.length);
      // No half-written case: each has its "filed" history row.
      const orphans = db
        .prepare(
          `SELECT count(*) AS n FROM feedback_cases c
           WHERE NOT EXISTS (SELECT 1 FROM feedback_history h WHERE h.case_id = c.id AND h.action = 'filed')`,
        )
        .get() as { n: number };
      expect(orphans.n).toBe(0);
    } finally {
      db.close();
    }
  }, 60_000);
});
