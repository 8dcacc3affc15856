import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  MIGRATIONS,
  MigrationError,
  migrate,
  openDatabase,
  schemaVersion,
  type Database,
} from "../../src/db/index.ts";

const open: Database[] = [];
function track(db: Database): Database {
  open.push(db);
  return db;
}
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

function tempFile(): string {
  // A directory that does not exist yet: openDatabase creates it.
  return path.join(mkdtempSync(path.join(tmpdir(), "motcua-db-")), "nested", "motcua.sqlite");
}

describe("openDatabase", () => {
  it("creates the directory, sets WAL, foreign keys and a busy timeout", () => {
    const db = track(openDatabase(tempFile()));
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);
  });

  it("applies the migrations once, and not again on reopen", () => {
    const file = tempFile();
    const db = track(openDatabase(file));
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    const columns = db
      .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('questions')")
      .all()
      .map((c) => c.name);
    expect(columns).toEqual([
      "id",
      "asked_at",
      "channel",
      "question_masked",
      "intent",
      "top_code",
      "confidence",
    ]);
    db.prepare(
      "INSERT INTO questions (asked_at, channel, question_masked) VALUES ('t', 'web', 'hi')",
    ).run();
    db.close();

    const again = track(openDatabase(file));
    expect(schemaVersion(again)).toBe(MIGRATIONS.length);
    expect(migrate(again)).toEqual([]);
    expect(again.prepare("SELECT question_masked AS q FROM questions").all()).toEqual([
      { q: "hi" },
    ]);
  });

  it("applies only the new migrations of a longer list, each in a transaction", () => {
    const file = tempFile();
    const v1 = ["CREATE TABLE a (x INTEGER);"];
    track(openDatabase(file, { migrations: v1 })).close();

    const v3 = [...v1, "CREATE TABLE b (y INTEGER);", "CREATE TABLE c (z INTEGER); SELECT nope;"];
    expect(() => openDatabase(file, { migrations: v3 })).toThrow(MigrationError);

    const db = track(openDatabase(file, { migrations: v3.slice(0, 2) }));
    // Migration 2 committed; migration 3 rolled back entirely (table c does not exist).
    expect(schemaVersion(db)).toBe(2);
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((t) => t.name);
    expect(tables).toContain("b");
    expect(tables).not.toContain("c");
  });

  it("refuses a database newer than the code", () => {
    const file = tempFile();
    track(openDatabase(file, { migrations: ["SELECT 1;", "SELECT 2;"] })).close();
    expect(() => openDatabase(file, { migrations: ["SELECT 1;"] })).toThrow(/newer than this/);
  });

  it("works in memory", () => {
    const db = track(openDatabase(":memory:"));
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
  });
});
