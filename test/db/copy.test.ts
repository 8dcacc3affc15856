/**
 * `db copy --to postgres://…`: a real SQLite file, filled through the stores, copied into a fresh
 * database on the test PostgreSQL server — checked, refused when the target holds rows or lacks
 * a column, and usable afterwards (ids and references go on after the copied ones).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "./cli.ts";
import { loadCalendar } from "../../src/calendar/index.ts";
import {
  createSqliteSql,
  createSqlQuestionLog,
  openPostgres,
  type SqlDatabase,
} from "../../src/db/index.ts";
import {
  createDeadlineCalculator,
  createFeedbackStore,
  createProcedureDirectory,
  loadRules,
} from "../../src/feedback/index.ts";
import { freshPostgresDatabase, POSTGRES_ADMIN_URL } from "../helpers/postgres.ts";

const calendar = loadCalendar();
const deadlines = createDeadlineCalculator(loadRules(), calendar);
const TEXT = "Cán bộ yêu cầu nộp thêm bản sao giấy tờ không có trong quy định.";
const at = new Date("2026-03-02T02:00:00Z");

const feedback = (sql: SqlDatabase) =>
  createFeedbackStore({
    sql,
    now: () => at,
    deadlines,
    calendar,
    procedures: createProcedureDirectory([]),
  });

const closing: { close(): unknown }[] = [];
afterAll(async () => {
  for (const c of closing.splice(0)) await c.close();
});

/** A SQLite file with cases (history, outbox, sequence), ratings and questions in it. */
async function filledFile(): Promise<{ file: string; refs: string[] }> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "motcua-copy-")), "motcua.sqlite");
  const sql = createSqliteSql({ file });
  const store = feedback(sql);
  const refs: string[] = [];
  for (let i = 0; i < 7; i++) {
    const filed = await store.fileCase({ channel: "web", userId: `u${i}`, text: `${TEXT} (${i})` });
    refs.push(filed.ref);
  }
  await store.changeStatus(refs[0]!, { to: "accepted", actor: "staff:lan" });
  await store.ratings.rateAnswer({
    channel: "web",
    userId: "u1",
    answerId: "a-1",
    rating: "down",
    comment: "sai phí",
  });
  const log = createSqlQuestionLog(sql);
  for (let i = 0; i < 1200; i++) {
    await log.record({ askedAt: at, channel: "web", question: `làm căn cước số ${i} cần gì` });
  }
  await sql.close();
  // A TEXT column holding a number (SQLite's dynamic typing): the copy holds "123", and the
  // checksum compares it as the target's type does.
  const raw = new BetterSqlite3(file);
  raw.prepare("UPDATE questions SET top_code = 123 WHERE id = 1").run();
  raw.close();
  return { file, refs };
}

const count = async (db: SqlDatabase, table: string) =>
  Number((await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n);

describe.skipIf(!POSTGRES_ADMIN_URL)("db copy to PostgreSQL", () => {
  it("copies every table, checked, and the copy goes on where the file stopped", async () => {
    const { file, refs } = await filledFile();
    const fresh = await freshPostgresDatabase();
    closing.push({ close: () => fresh.drop() });

    const { run, out } = cli(["db", "copy", "--to", fresh.url, "--db", file]);
    expect(await run()).toBe(0);
    const summary = out.at(-1)!;
    expect(summary).toMatch(/^copied \d+ rows in \d+ tables to 127\.0\.0\.1:\d+\/motcua_test_/);
    expect(summary).not.toContain("motcua_test:"); // the password never printed
    expect(out.join("\n")).toMatch(/questions +1200 rows/);
    expect(out.join("\n")).toMatch(/feedback_cases +7 rows/);

    const pg = await openPostgres({ url: fresh.url, poolSize: 2 });
    closing.push(pg);
    expect(await count(pg, "questions")).toBe(1200);
    expect(await count(pg, "feedback_history")).toBe(8);
    expect(
      (await pg.get<{ c: string }>("SELECT top_code AS c FROM questions WHERE id = 1"))!.c,
    ).toBe("123");
    const store = feedback(pg);
    expect((await store.staffView(refs[0]!)).status).toBe("accepted");
    // Identity sequences and the year's reference counter continue after the copied rows.
    const next = await store.fileCase({ channel: "web", userId: "u8", text: TEXT });
    const seq = (ref: string) => Number(ref.split("-").at(-1));
    expect(seq(next.ref)).toBe(seq(refs.at(-1)!) + 1);
    const id = await pg.get<{ id: number }>(
      "INSERT INTO questions (asked_at, channel, question_masked) VALUES (?, 'web', 'x') RETURNING id",
      [at.toISOString()],
    );
    expect(id!.id).toBe(1201);
  });

  it("refuses a target that holds rows, and changes nothing there", async () => {
    const { file } = await filledFile();
    const fresh = await freshPostgresDatabase();
    closing.push({ close: () => fresh.drop() });
    expect(await cli(["db", "copy", "--to", fresh.url, "--db", file]).run()).toBe(0);

    await expect(cli(["db", "copy", "--to", fresh.url, "--db", file]).run()).rejects.toMatchObject({
      code: "db_copy_target_not_empty",
      message: expect.stringContaining("questions"),
    });
    const pg = await openPostgres({ url: fresh.url, poolSize: 2 });
    closing.push(pg);
    expect(await count(pg, "questions")).toBe(1200);
  });

  it("refuses a source column the target lacks before writing anything", async () => {
    const { file } = await filledFile();
    const raw = new BetterSqlite3(file);
    raw.exec("ALTER TABLE answer_ratings ADD COLUMN local_note TEXT");
    raw.close();
    const fresh = await freshPostgresDatabase();
    closing.push({ close: () => fresh.drop() });

    await expect(cli(["db", "copy", "--to", fresh.url, "--db", file]).run()).rejects.toMatchObject({
      code: "db_copy_schema_mismatch",
      message: expect.stringContaining("answer_ratings.local_note"),
    });
    const pg = await openPostgres({ url: fresh.url, poolSize: 2 });
    closing.push(pg);
    expect(await count(pg, "questions")).toBe(0);
  });
});

describe("db copy: bad arguments", () => {
  it("refuses a missing source file without creating it", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "motcua-copy-")), "none.sqlite");
    await expect(
      cli(["db", "copy", "--to", "postgres://u:p@127.0.0.1:1/x", "--db", file]).run(),
    ).rejects.toMatchObject({ code: "db_copy_source_missing" });
    const { existsSync } = await import("node:fs");
    expect(existsSync(file)).toBe(false);
  });

  it("refuses a target that is not a postgres:// URL, and names the usage", async () => {
    await expect(cli(["db", "copy", "--to", "/tmp/x.sqlite"]).run()).rejects.toMatchObject({
      code: "db_copy_target_not_postgres",
    });
    await expect(cli(["db", "copy"]).run()).rejects.toThrow(/copy --to postgres/);
  });

  it("names the host, never the password, when the server cannot be reached", async () => {
    const { file } = await filledFile();
    const err = await cli(["db", "copy", "--to", "postgres://u:s3cret@127.0.0.1:1/x", "--db", file])
      .run()
      .catch((e: unknown) => e as Error & { code: string });
    expect(err).toMatchObject({ code: "database_unreachable" });
    expect((err as Error).message).toContain("127.0.0.1:1/x");
    expect((err as Error).message).not.toContain("s3cret");
  });
});
