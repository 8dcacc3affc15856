/**
 * GET /healthz: the retrieval mode (hybrid once the vectors are in, lexical otherwise), and the
 * database on both engines — ready, or 503 with ok:false once it cannot be reached (a load
 * balancer takes the instance out), also when it does not answer in time.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSqliteSql, openPostgres, type SqlDatabase } from "../../src/db/index.ts";
import { createLogger } from "../../src/logger.ts";
import { createApp, type AppOptions } from "../../src/web/app.ts";
import { buildAssistant, LEXICAL_ONLY_HINT } from "../../src/wiring.ts";
import { ENGINES } from "../helpers/engines.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../helpers/fake-openai.ts";
import { freshPostgresDatabase } from "../helpers/postgres.ts";
import { fakeAsk } from "./helpers.ts";

let fake: FakeOpenAI | null = null;
const opened: SqlDatabase[] = [];
const dropped: (() => Promise<void>)[] = [];
afterEach(async () => {
  await fake?.close();
  fake = null;
  for (const sql of opened.splice(0)) await sql.close();
  for (const drop of dropped.splice(0)) await drop();
});

function sqliteSql(): SqlDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), "motcua-health-"));
  const sql = createSqliteSql({ file: path.join(dir, "motcua.sqlite") });
  opened.push(sql);
  return sql;
}

async function healthz(
  options: Pick<AppOptions, "sql"> & Partial<AppOptions>,
): Promise<{ status: number; body: unknown }> {
  const app = createApp({
    config: { port: 0, host: "127.0.0.1" },
    logger: createLogger({ level: "silent" }),
    assistant: fakeAsk,
    ...options,
  });
  const { url } = await app.start();
  try {
    const res = await fetch(`${url}healthz`);
    return { status: res.status, body: await res.json() };
  } finally {
    await app.stop();
  }
}

async function health(parts: Awaited<ReturnType<typeof buildAssistant>>) {
  const { body } = await healthz({
    sql: sqliteSql(),
    assistant: parts.assistant,
    health: parts.health,
  });
  return body;
}

const DB = { database: { engine: "sqlite", ready: true } };

describe("GET /healthz and the retrieval mode", () => {
  it("without a model or endpoint: lexical, and one log line says how to turn semantic retrieval on", async () => {
    const lines: string[] = [];
    const parts = await buildAssistant({
      logger: { info: (_o, m) => lines.push(m), warn: (_o, m) => lines.push(m) },
    });
    expect(await health(parts)).toEqual({
      ok: true,
      retrieval: "lexical",
      embeddings: null,
      ...DB,
    });
    expect(lines.filter((l) => l === LEXICAL_ONLY_HINT)).toHaveLength(1);
    expect(LEXICAL_ONLY_HINT).toMatch(/npm run setup/);
  });

  it("with an EMBEDDINGS_* endpoint: hybrid once ready; lexical while the endpoint fails", async () => {
    fake = await startFakeOpenAI();
    const parts = await buildAssistant({
      embeddings: { baseUrl: fake.baseUrl, apiKey: "k", model: "fake-64" },
      waitForVectors: true,
    });
    // Building starts nothing: no call to the endpoint before start().
    expect(await health(parts)).toEqual({
      ok: true,
      retrieval: "lexical",
      embeddings: { model: "fake-64", ready: false },
      ...DB,
    });
    expect(fake.requests).toHaveLength(0);
    await parts.start();
    expect(await health(parts)).toEqual({
      ok: true,
      retrieval: "hybrid",
      embeddings: { model: "fake-64", ready: true },
      ...DB,
    });
    fake.setMode("error500");
    const answer = await parts.assistant.ask("đăng ký khai sinh cho con");
    expect(answer.procedures.length).toBeGreaterThan(0);
    expect(await health(parts)).toEqual({
      ok: true,
      retrieval: "lexical",
      embeddings: { model: "fake-64", ready: false },
      ...DB,
    });
  }, 60_000);
});

/** A database on the engine, and how to make it unreachable. */
async function outage(engine: "sqlite" | "postgres") {
  if (engine === "sqlite") {
    const sql = sqliteSql();
    return { sql, down: () => sql.close() };
  }
  const fresh = await freshPostgresDatabase();
  dropped.push(fresh.drop); // DROP … IF EXISTS: again after the test does no harm
  const sql = await openPostgres({ url: fresh.url, poolSize: 2, connectTimeoutMs: 2_000 });
  opened.push(sql);
  // The server ends the sessions and the database is gone: no connection can be had.
  return { sql, down: () => fresh.drop() };
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`GET /healthz and the database on ${engine.name}`, () => {
    it("reports the engine ready; 503 with ok:false once the database cannot be reached", async () => {
      const { sql, down } = await outage(engine.name);
      const health = () => ({ retrieval: "lexical" });
      expect(await healthz({ sql, health })).toEqual({
        status: 200,
        body: { ok: true, retrieval: "lexical", database: { engine: engine.name, ready: true } },
      });
      await down();
      expect(await healthz({ sql, health })).toEqual({
        status: 503,
        body: { ok: false, retrieval: "lexical", database: { engine: engine.name, ready: false } },
      });
    });

    it("a database that does not answer in time is not ready (503)", async () => {
      const sql = await engine.open();
      opened.push(sql);
      const silent: SqlDatabase = { ...sql, ping: () => new Promise<boolean>(() => {}) };
      expect(await healthz({ sql: silent, healthTimeoutMs: 20 })).toEqual({
        status: 503,
        body: { ok: false, database: { engine: engine.name, ready: false } },
      });
    });
  });
}
