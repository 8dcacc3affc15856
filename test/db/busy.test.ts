/**
 * The write gate (src/db/busy.ts) against a real SQLite file whose write lock a second connection
 * holds (BEGIN IMMEDIATE, as the CLI or an admin's sqlite3 would). Time is injected: nothing here
 * sleeps.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import {
  createWriteGate,
  DatabaseBusyError,
  isBusyError,
  openDatabase,
  SERVER_BUSY_TIMEOUT_MS,
  type Database,
} from "../../src/db/index.ts";
import { instantTime, manualTime, settle } from "../helpers/manual-time.ts";

const open: { close(): void; open: boolean }[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

/** The server's connection (busy timeout 0 here: no test waits on SQLite) and a lock holder. */
function setup(): { db: Database; holder: BetterSqlite3.Database; count(): number } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "motcua-busy-")), "motcua.sqlite");
  const db = openDatabase(file, { busyTimeoutMs: 0 });
  const holder = new BetterSqlite3(file);
  open.push(db, holder);
  const count = () => (db.prepare("SELECT count(*) AS n FROM questions").get() as { n: number }).n;
  return { db, holder, count };
}

/** Writes to the questions table on the synchronous connection; `record` gives the row id. */
const questionLog = (db: Database) => {
  const insert = db.prepare<[string], { id: number }>(
    "INSERT INTO questions (asked_at, channel, question_masked) VALUES ('t', 'web', ?) RETURNING id",
  );
  return { record: (question: string) => insert.get(question)!.id };
};
const question = (n: number) => `câu ${n}`;

describe("openDatabase for the server", () => {
  it("keeps the short busy timeout it is given (opening still waits for migrations)", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "motcua-busy-")), "motcua.sqlite");
    const db = openDatabase(file, { busyTimeoutMs: SERVER_BUSY_TIMEOUT_MS });
    open.push(db);
    expect(db.pragma("busy_timeout", { simple: true })).toBe(SERVER_BUSY_TIMEOUT_MS);
  });
});

describe("isBusyError", () => {
  it("knows SQLite's busy and locked codes, and the gate's own error", () => {
    const { db, holder } = setup();
    holder.exec("BEGIN IMMEDIATE");
    let caught: unknown;
    try {
      questionLog(db).record(question(1));
    } catch (err) {
      caught = err;
    }
    expect((caught as { code?: string }).code).toBe("SQLITE_BUSY");
    expect(isBusyError(caught)).toBe(true);
    expect(isBusyError(Object.assign(new Error("x"), { code: "SQLITE_LOCKED_SHAREDCACHE" }))).toBe(
      true,
    );
    expect(isBusyError(new DatabaseBusyError(3, 100))).toBe(true);
    expect(isBusyError(Object.assign(new Error("x"), { code: "SQLITE_CONSTRAINT" }))).toBe(false);
    expect(isBusyError(null)).toBe(false);
  });
});

describe("createWriteGate", () => {
  it("runs a write at once when the database is free", async () => {
    const { db, count } = setup();
    const gate = createWriteGate(manualTime());
    const id = await gate.run(() => questionLog(db).record(question(1)));
    expect(id).toBe(1);
    expect(count()).toBe(1);
  });

  it("waits for a held lock without blocking, and writes once it is released", async () => {
    const { db, holder, count } = setup();
    const time = manualTime();
    const gate = createWriteGate({ ...time, budgetMs: 5_000 });
    const log = questionLog(db);
    holder.exec("BEGIN IMMEDIATE");

    let done = false;
    const write = gate.run(() => log.record(question(1))).then((id) => ((done = true), id));
    await time.advance(1_000);
    expect(done).toBe(false); // still waiting, and the test goes on: nothing blocked
    expect(gate.waiting).toBe(1);
    expect(gate.busy).toBe(true);
    expect(count()).toBe(0);

    holder.exec("COMMIT");
    await time.advance(250); // the longest pause between two attempts
    await expect(write).resolves.toBe(1);
    expect(count()).toBe(1);
    expect(gate.busy).toBe(false);
  });

  it("tries only the oldest waiting write while locked, then the others in order", async () => {
    const { db, holder, count } = setup();
    const time = manualTime();
    const gate = createWriteGate({ ...time, budgetMs: 60_000 });
    const log = questionLog(db);
    holder.exec("BEGIN IMMEDIATE");

    const tries = [0, 0, 0, 0, 0];
    const writes = tries.map((_, i) =>
      gate.run(() => {
        tries[i]!++;
        return log.record(question(i));
      }),
    );
    await time.advance(3_000);
    // The first was tried at once and after each pause; the others never while the lock is held.
    expect(tries[0]).toBeGreaterThan(3);
    expect(tries[0]).toBeLessThan(20);
    expect(tries.slice(1)).toEqual([0, 0, 0, 0]);

    holder.exec("COMMIT");
    await time.advance(250);
    expect(await Promise.all(writes)).toEqual([1, 2, 3, 4, 5]);
    const stored = db.prepare("SELECT question_masked AS q FROM questions ORDER BY id").all();
    expect(stored).toEqual([0, 1, 2, 3, 4].map((i) => ({ q: `câu ${i}` })));
    expect(count()).toBe(5);
  });

  it("gives up after its budget with DatabaseBusyError, having written nothing", async () => {
    const { db, holder, count } = setup();
    const gate = createWriteGate({ ...instantTime(), budgetMs: 2_000 });
    holder.exec("BEGIN IMMEDIATE");
    const err = await gate.run(() => questionLog(db).record(question(1))).catch((e) => e);
    expect(err).toBeInstanceOf(DatabaseBusyError);
    expect(err).toMatchObject({ code: "database_busy" });
    expect((err as DatabaseBusyError).waitedMs).toBeGreaterThanOrEqual(2_000);
    expect((err as DatabaseBusyError).attempts).toBeGreaterThan(1);
    holder.exec("COMMIT");
    expect(count()).toBe(0);
    expect(gate.waiting).toBe(0);
  });

  it("each write keeps its own budget: a short one gives up, a long one behind it goes through", async () => {
    const { db, holder, count } = setup();
    const time = manualTime();
    const gate = createWriteGate(time);
    const log = questionLog(db);
    holder.exec("BEGIN IMMEDIATE");
    const long = gate.run(() => log.record(question(1)), { budgetMs: 60_000 });
    const short = gate
      .run(() => log.record(question(2)), { budgetMs: 1_000 })
      .catch((err: unknown) => err);
    await time.advance(1_500);
    expect(await short).toBeInstanceOf(DatabaseBusyError);
    holder.exec("COMMIT");
    await time.advance(250);
    await expect(long).resolves.toBe(1);
    expect(count()).toBe(1);
  });

  it("budget 0 (a timer's tick): one attempt, and none while the lock is known to be taken", async () => {
    const { db, holder, count } = setup();
    const time = manualTime();
    const gate = createWriteGate(time);
    const log = questionLog(db);
    holder.exec("BEGIN IMMEDIATE");
    let tries = 0;
    const tick = () => gate.run(() => (tries++, log.record(question(1))), { budgetMs: 0 });
    await expect(tick()).rejects.toBeInstanceOf(DatabaseBusyError);
    expect(tries).toBe(1);
    await expect(tick()).rejects.toBeInstanceOf(DatabaseBusyError);
    expect(tries).toBe(1); // within the pause after the busy answer: not tried
    expect(gate.waiting).toBe(0);

    holder.exec("COMMIT");
    await time.advance(1_000);
    await expect(tick()).resolves.toBe(1);
    expect(tries).toBe(2);
    expect(count()).toBe(1);
  });

  it("other errors reject at once and do not hold back the writes behind", async () => {
    const { db, holder } = setup();
    const time = manualTime();
    const gate = createWriteGate(time);
    const log = questionLog(db);
    holder.exec("BEGIN IMMEDIATE");
    const first = gate.run(() => log.record(question(1)));
    const broken = gate
      .run(() => db.prepare("INSERT INTO no_such_table VALUES (1)").run())
      .catch((err: unknown) => err);
    const third = gate.run(() => log.record(question(3)));
    holder.exec("COMMIT");
    await time.advance(250);
    await expect(first).resolves.toBe(1);
    expect(String(await broken)).toMatch(/no such table/);
    await expect(third).resolves.toBe(2);
    await expect(gate.run(() => JSON.parse("{"))).rejects.toThrow(SyntaxError);
  });

  it("a transaction that finds the lock taken is rolled back and tried whole again", async () => {
    const { db, holder, count } = setup();
    const time = manualTime();
    const gate = createWriteGate(time);
    const log = questionLog(db);
    const both = db.transaction(() => [log.record(question(1)), log.record(question(2))]);
    holder.exec("BEGIN IMMEDIATE");
    const written = gate.run(() => both.immediate());
    await settle();
    expect(db.inTransaction).toBe(false);
    holder.exec("COMMIT");
    await time.advance(250);
    await expect(written).resolves.toEqual([1, 2]);
    expect(count()).toBe(2);
  });
});
