/**
 * Both database engines for contract tests: every store suite runs once per engine.
 *
 *   for (const engine of ENGINES) describe.skipIf(engine.skip)(`X on ${engine.name}`, () => {
 *     it("…", async () => { const db = await engine.open(); … await db.close(); });
 *   });
 *
 * SQLite: a new file with the project's migrations; PostgreSQL: a fresh database on the test
 * server with PG_MIGRATIONS (dropped after the file's tests; skipped locally without the server,
 * see test/helpers/postgres.ts). `target()` gives one database that several `open()` calls share:
 * two "instances".
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { openPostgres } from "../../src/db/postgres.ts";
import type { SqlDatabase } from "../../src/db/sql.ts";
import { createSqliteSql } from "../../src/db/sqlite-sql.ts";
import { freshPostgresDatabase, POSTGRES_ADMIN_URL, type FreshDatabase } from "./postgres.ts";

export interface EngineTarget {
  /** A connection (an "instance") to this one database. */
  open(): Promise<SqlDatabase>;
}

export interface TestEngine {
  name: "sqlite" | "postgres";
  skip: boolean;
  /** A new empty database with the project's schema. */
  target(options?: { migrations?: readonly string[] }): Promise<EngineTarget>;
  /** Shorthand: one instance on a new database. */
  open(): Promise<SqlDatabase>;
}

const dropped: FreshDatabase[] = [];
let hooked = false;
function dropAfterAll(fresh: FreshDatabase): void {
  dropped.push(fresh);
  if (hooked) return;
  hooked = true;
  afterAll(async () => {
    for (const d of dropped.splice(0)) await d.drop();
  });
}

const sqlite: TestEngine = {
  name: "sqlite",
  skip: false,
  async target(options = {}) {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "motcua-sql-")), "db.sqlite");
    return { open: async () => createSqliteSql({ file, ...options }) };
  },
  async open() {
    return (await this.target()).open();
  },
};

const postgres: TestEngine = {
  name: "postgres",
  skip: !POSTGRES_ADMIN_URL,
  async target(options = {}) {
    const fresh = await freshPostgresDatabase();
    dropAfterAll(fresh);
    return { open: () => openPostgres({ url: fresh.url, poolSize: 4, ...options }) };
  },
  async open() {
    return (await this.target()).open();
  },
};

export const ENGINES: readonly TestEngine[] = [sqlite, postgres];
