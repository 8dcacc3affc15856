/**
 * The SqlDatabase contract (src/db/sql.ts), run on both engines: SQLite files and a real
 * PostgreSQL server (test/helpers/postgres.ts). Stores moved onto SqlDatabase rely on exactly this.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import { MigrationError } from "../../src/db/database.ts";
import { toHttpError } from "../../src/web/errors.ts";
import {
  DatabaseUnreachableError,
  describeTarget,
  isDatabaseUnavailable,
  openPostgres,
} from "../../src/db/postgres.ts";
import { numberPlaceholders, type SqlDatabase } from "../../src/db/sql.ts";
import { createSqliteSql } from "../../src/db/sqlite-sql.ts";
import { isBusyError } from "../../src/db/busy.ts";
import { manualTime } from "../helpers/manual-time.ts";
import { ENGINES } from "../helpers/engines.ts";
import {
  freshPostgresDatabase,
  POSTGRES_ADMIN_URL,
  type FreshDatabase,
} from "../helpers/postgres.ts";

const dropped: FreshDatabase[] = [];
afterAll(async () => {
  for (const d of dropped) await d.drop();
});

const SCHEMA = [
  `CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER NOT NULL DEFAULT 0)`,
];

describe("numberPlaceholders", () => {
  it("numbers ? outside quotes, quoted names and comments", () => {
    expect(numberPlaceholders("SELECT * FROM t WHERE a = ? AND b = ?")).toBe(
      "SELECT * FROM t WHERE a = $1 AND b = $2",
    );
    expect(
      numberPlaceholders(`SELECT '?', 'it''s ?', "q?" FROM t WHERE a = ? -- why?\nAND b = ?`),
    ).toBe(`SELECT '?', 'it''s ?', "q?" FROM t WHERE a = $1 -- why?\nAND b = $2`);
  });
});

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`SqlDatabase on ${engine.name}`, () => {
    it("runs statements with placeholders and counts changes", async () => {
      const db = await (await engine.target({ migrations: SCHEMA })).open();
      try {
        expect(
          await db.run("INSERT INTO items (id, name) VALUES (?, ?), (?, ?)", [1, "a", 2, "b"]),
        ).toEqual({
          changes: 2,
        });
        const upsert =
          "INSERT INTO items (id, name, n) VALUES (?, ?, 1) ON CONFLICT (name) DO UPDATE SET n = items.n + 1";
        await db.run(upsert, [3, "a"]);
        expect(await db.get<{ n: number }>("SELECT n FROM items WHERE name = ?", ["a"])).toEqual({
          n: 1,
        });
        expect(await db.all<{ name: string }>("SELECT name FROM items ORDER BY id")).toEqual([
          { name: "a" },
          { name: "b" },
        ]);
        expect(await db.get("SELECT name FROM items WHERE id = ?", [99])).toBeUndefined();
        expect(typeof (await db.get<{ c: number }>("SELECT COUNT(*) AS c FROM items"))!.c).toBe(
          "number",
        );
        expect(await db.ping()).toBe(true);
      } finally {
        await db.close();
      }
    });

    it("a transaction commits as a whole or not at all", async () => {
      const db = await (await engine.target({ migrations: SCHEMA })).open();
      try {
        await db.transaction(async (tx) => {
          await tx.run("INSERT INTO items (id, name) VALUES (?, ?)", [1, "kept"]);
          await tx.run("UPDATE items SET n = 5 WHERE id = ?", [1]);
        });
        await expect(
          db.transaction(async (tx) => {
            await tx.run("INSERT INTO items (id, name) VALUES (?, ?)", [2, "gone"]);
            await tx.run("INSERT INTO items (id, name) VALUES (?, ?)", [3, "kept"]); // UNIQUE
          }),
        ).rejects.toThrow();
        expect(await db.all("SELECT id, name, n FROM items ORDER BY id")).toEqual([
          { id: 1, name: "kept", n: 5 },
        ]);
      } finally {
        await db.close();
      }
    });

    it("two instances on one database: read-modify-write transactions lose no update", async () => {
      const target = await engine.target({ migrations: SCHEMA });
      const [a, b] = [await target.open(), await target.open()];
      try {
        await a.run("INSERT INTO items (id, name) VALUES (1, 'counter')");
        const bump = (db: SqlDatabase) =>
          db.exclusive("counter", (x) =>
            x
              .get<{ n: number }>("SELECT n FROM items WHERE id = 1")
              .then((row) => x.run("UPDATE items SET n = ? WHERE id = 1", [row!.n + 1])),
          );
        // On SQLite "exclusive" is per process (one instance by design); on PostgreSQL it holds
        // across both pools, so the interleaved read-then-write never loses an increment.
        const instances = engine.name === "postgres" ? [a, b] : [a, a];
        await Promise.all(Array.from({ length: 20 }, (_, i) => bump(instances[i % 2]!)));
        expect(await b.get("SELECT n FROM items WHERE id = 1")).toEqual({ n: 20 });
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}

describe("SQLite: another connection holding the write lock", () => {
  it("a transaction waits for it without blocking, then commits", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "motcua-sql-")), "db.sqlite");
    const db = createSqliteSql({ file, migrations: SCHEMA });
    const other = new BetterSqlite3(file);
    other.exec("BEGIN IMMEDIATE");
    let done = false;
    const write = db
      .transaction((tx) => tx.run("INSERT INTO items (id, name) VALUES (1, 'late')"))
      .then(() => (done = true));
    // The event loop is free while the write waits: other callbacks run, the write is pending.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    other.exec("COMMIT");
    await write;
    expect(await db.get("SELECT name FROM items")).toEqual({ name: "late" });
    other.close();
    await db.close();
  });
});

describe("SQLite: writes queued behind a waiting write", () => {
  it("each gives up on its own budget, counted from when it was asked for", async () => {
    const time = manualTime();
    const file = path.join(mkdtempSync(path.join(tmpdir(), "motcua-sql-")), "db.sqlite");
    const db = createSqliteSql({ file, migrations: SCHEMA, gate: { ...time, budgetMs: 5_000 } });
    const other = new BetterSqlite3(file);
    other.exec("BEGIN IMMEDIATE");
    const settled: Record<string, number> = {};
    const track = (name: string, p: Promise<unknown>) =>
      p.then(
        () => (settled[name] = -time.clock()),
        (err: unknown) => {
          expect(isBusyError(err)).toBe(true);
          settled[name] = time.clock();
        },
      );
    const first = track("first", db.run("INSERT INTO items (id, name) VALUES (1, 'a')"));
    await time.advance(3_000);
    // Asked 3 s later, queued behind the first (one statement at a time on this connection).
    const second = track(
      "second",
      db.transaction((tx) => tx.run("INSERT INTO items (id, name) VALUES (2, 'b')")),
    );
    await time.advance(2_500);
    expect(settled.first).toBeGreaterThanOrEqual(5_000);
    expect(settled.second).toBeUndefined();
    await time.advance(3_000);
    // Its own 5 s from 3 s, not 5 s more from when the first gave up.
    expect(settled.second).toBeGreaterThanOrEqual(8_000);
    expect(settled.second).toBeLessThan(9_000);
    await Promise.all([first, second]);
    other.exec("COMMIT");
    expect(await db.all("SELECT id FROM items")).toEqual([]);
    other.close();
    await db.close();
  });
});

describe("SQLite: a write read back with RETURNING under a held lock", () => {
  it("waits like any write instead of failing with SQLITE_BUSY", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "motcua-sql-")), "db.sqlite");
    const db = createSqliteSql({ file, migrations: SCHEMA });
    const other = new BetterSqlite3(file);
    other.exec("BEGIN IMMEDIATE");
    const write = db.get<{ id: number }>(
      "INSERT INTO items (id, name) VALUES (7, 'returned') RETURNING id",
    );
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    other.exec("COMMIT");
    expect(await write).toEqual({ id: 7 });
    other.close();
    await db.close();
  });
});

describe.skipIf(!POSTGRES_ADMIN_URL)("openPostgres", () => {
  it("an unreachable server is named by host and port, never by its password", async () => {
    const url = "postgres://motcua:s3cret-pass@127.0.0.1:1/motcua";
    const err = await openPostgres({ url, connectTimeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnreachableError);
    expect((err as DatabaseUnreachableError).code).toBe("database_unreachable");
    expect(String((err as Error).message)).toContain("127.0.0.1:1/motcua");
    expect(String((err as Error).message)).not.toContain("s3cret");
    expect(describeTarget("postgres://u:p@db.example:6543/x")).toBe("db.example:6543/x");
  });

  it("a connection lost while running: a 503 for that request, the pool reconnects after", async () => {
    const fresh = await freshPostgresDatabase();
    dropped.push(fresh);
    const db = await openPostgres({ url: fresh.url, migrations: SCHEMA, poolSize: 2 });
    try {
      await db.run("INSERT INTO items (id, name) VALUES (1, 'kept')");
      // The server ends every session of this database mid-transaction, as a failover would.
      const name = new URL(fresh.url).pathname.slice(1);
      const terminate = async () => {
        const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
        await admin.connect();
        await admin.query(
          // Client sessions only: an autovacuum worker on this database is the server's own and
          // may not be ended by this role ("must be a superuser to terminate superuser process").
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
          [name],
        );
        await admin.end();
      };
      const err = await db
        .transaction(async (tx) => {
          await tx.run("INSERT INTO items (id, name) VALUES (2, 'lost')");
          await terminate();
          return tx.get("SELECT 1 AS one");
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(isDatabaseUnavailable(err), String(err)).toBe(true);
      const http = toHttpError(err);
      expect(http?.status).toBe(503);
      expect(http?.headers["Retry-After"]).toBe("5");
      expect(await db.all("SELECT name FROM items")).toEqual([{ name: "kept" }]);
    } finally {
      await db.close();
    }
  });

  it("a wrong password says so without the password", async () => {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.password = "wrong-Pa55";
    const err = await openPostgres({ url: url.toString() }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/authentication failed/);
    expect((err as Error).message).not.toContain("wrong-Pa55");
  });

  it("instances starting together apply each migration once; a newer schema is refused", async () => {
    const fresh = await freshPostgresDatabase();
    dropped.push(fresh);
    const migrations = [...SCHEMA, "INSERT INTO items (id, name) VALUES (1, 'once')"];
    const opened = await Promise.all(
      [1, 2, 3].map(() => openPostgres({ url: fresh.url, migrations })),
    );
    expect(await opened[0]!.all("SELECT name FROM items")).toEqual([{ name: "once" }]);
    await Promise.all(opened.map((d) => d.close()));
    const err = await openPostgres({ url: fresh.url, migrations: SCHEMA }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(/newer than this program knows/);
  });
});
