/**
 * POST /api/ask logs the question in the background: the answer neither waits for the log (a
 * write stuck behind a lock) nor fails with it (a write that fails: a warning, masked).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSqliteSql, type SqlDatabase } from "../../src/db/index.ts";
import { createApp, type App } from "../../src/web/app.ts";
import { fakeAsk, memoryLogger } from "./helpers.ts";

const started: { app: App; sql: SqlDatabase }[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) {
    await s.app.stop();
    await s.sql.close();
  }
});

/** The server over a real SQLite database whose question-log insert (`get … RETURNING`) is `insert`. */
async function serve(insert: SqlDatabase["get"]) {
  const dir = mkdtempSync(path.join(tmpdir(), "motcua-qlog-"));
  const sql = createSqliteSql({ file: path.join(dir, "motcua.sqlite") });
  const logs = memoryLogger();
  const app = createApp({
    config: { host: "127.0.0.1", port: 0 },
    logger: logs.logger,
    assistant: fakeAsk,
    sql: { ...sql, get: insert },
  });
  started.push({ app, sql });
  const { url } = await app.start();
  const ask = (question: string) =>
    fetch(`${url}api/ask`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question }),
    });
  return { ask, logs };
}

describe("the question log of POST /api/ask", () => {
  it("a failing write: the answer still comes, the failure is a warning without the question", async () => {
    const failing = vi.fn(() =>
      Promise.reject(Object.assign(new Error("disk I/O error"), { code: "SQLITE_IOERR" })),
    );
    const { ask, logs } = await serve(failing);
    const res = await ask("CCCD 001203004567 cấp lại");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(fakeAsk("CCCD 001203004567 cấp lại"));
    await vi.waitFor(() =>
      expect(logs.lines().filter((l) => l.msg === "question not logged")).toHaveLength(1),
    );
    expect(failing).toHaveBeenCalledTimes(1);
    expect(logs.text()).not.toContain("001203004567");
  });

  it("a write that never finishes does not hold up the answer", async () => {
    const stuck = vi.fn(() => new Promise<never>(() => {}));
    const { ask } = await serve(stuck);
    const res = await ask("cấp lại hộ chiếu");
    expect(res.status).toBe(200);
    expect(stuck).toHaveBeenCalledTimes(1);
  });
});
