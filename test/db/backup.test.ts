/**
 * `db backup FILE`: an online copy (VACUUM INTO) of a real SQLite file, taken even while another
 * connection holds the write lock, checked, and readable by its owner only.
 */
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli.ts";
import { cli } from "./cli.ts";
import { BackupError, backupDatabase, MIGRATIONS, openDatabase } from "../../src/db/index.ts";

const open: { close(): void; open: boolean }[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

function database(): { file: string; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "motcua-backup-"));
  const file = path.join(dir, "motcua.sqlite");
  const db = openDatabase(file);
  open.push(db);
  const insert = db.prepare(
    "INSERT INTO questions (asked_at, channel, question_masked) VALUES ('t', 'web', ?)",
  );
  for (let i = 0; i < 50; i++) insert.run(`câu hỏi ${i}`);
  return { file, dir };
}

const questions = (file: string) => {
  const db = new BetterSqlite3(file, { readonly: true });
  open.push(db);
  return db.prepare("SELECT question_masked AS q FROM questions ORDER BY id").all();
};

describe("db backup", () => {
  it("copies the database, checked, readable by its owner only", async () => {
    const { file, dir } = database();
    const target = path.join(dir, "backups", "copy.sqlite");
    const { run, out } = cli(["db", "backup", target, "--db", file]);
    expect(await run()).toBe(0);
    expect(out.join("\n")).toMatch(/^backup .*copy\.sqlite: [\d.]+ MB, schema \d+, integrity ok/);
    expect(questions(target)).toEqual(questions(file));
    expect(questions(target)).toHaveLength(50);
    const copy = new BetterSqlite3(target, { readonly: true });
    open.push(copy);
    expect(copy.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it("does not need the write lock: another connection holding it does not stop the copy", () => {
    const { file, dir } = database();
    const holder = new BetterSqlite3(file);
    open.push(holder);
    holder.exec("BEGIN IMMEDIATE");
    holder.prepare("DELETE FROM questions").run(); // not committed: not in the copy
    const result = backupDatabase(file, path.join(dir, "copy.sqlite"));
    expect(result.schemaVersion).toBe(MIGRATIONS.length);
    expect(questions(result.file)).toHaveLength(50);
    holder.exec("ROLLBACK");
  });

  it("never overwrites a file, and says so in Vietnamese and English", () => {
    const { file, dir } = database();
    const target = path.join(dir, "exists.sqlite");
    writeFileSync(target, "keep me");
    let err: unknown;
    try {
      backupDatabase(file, target);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BackupError);
    expect(err).toMatchObject({ code: "backup_target_exists" });
    expect((err as Error).message).toMatch(/đã có.* \/ .*never overwrites/);
    expect(statSync(target).size).toBe(7);
    expect(() => backupDatabase(path.join(dir, "none.sqlite"), path.join(dir, "x.sqlite"))).toThrow(
      expect.objectContaining({ code: "backup_source_missing" }),
    );
  });

  it("a usage mistake is a usage error (exit 2)", async () => {
    for (const args of [
      ["db"],
      ["db", "backup"],
      ["db", "restore", "x"],
      ["db", "backup", "--x"],
    ]) {
      await expect(cli(args).run()).rejects.toBeInstanceOf(UsageError);
    }
  });
});
