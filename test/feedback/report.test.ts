import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterEach, describe, expect, it } from "vitest";
import { createSqliteSql, type SqlDatabase } from "../../src/db/index.ts";
import {
  FeedbackInputError,
  parseQuarter,
  quarterlyReport,
  reportToCsv,
  runFeedbackCommand,
} from "../../src/feedback/index.ts";
import { ENGINES, type TestEngine } from "../helpers/engines.ts";
import { TEXT, clock as makeClock, storeOn, tempDbFile } from "./helpers.ts";

const open: SqlDatabase[] = [];
afterEach(async () => {
  for (const sql of open.splice(0)) await sql.close();
});

/**
 * Q1 2026: cases for two agencies, handled on time, late, rejected, pending and overdue; on
 * `engine`, or on a SQLite file of its own (for the CLI).
 */
async function seed(engine?: TestEngine) {
  const clock = makeClock("2025-12-20T03:00:00Z");
  const dbFile = engine ? undefined : tempDbFile();
  const sql = dbFile ? createSqliteSql({ file: dbFile }) : await engine!.open();
  open.push(sql);
  const store = storeOn(sql, clock);
  const file = async (agency: string | null) =>
    (
      await store.fileCase({
        channel: "web",
        userId: "u",
        text: TEXT,
        ...(agency ? { agency } : {}),
      })
    ).ref;
  const staff = "staff:lan";
  // Received in Q4 2025 (due 9/1/2026), answered late in Q1.
  const carried = await file("Sở Tư pháp");
  clock.set("2026-01-05T03:00:00Z");
  const onTime = await file("Sở Tư pháp"); // due 26/1
  const late = await file("UBND phường Ba Đình"); // due 26/1
  const rejected = await file("UBND phường Ba Đình");
  await file("UBND phường Ba Đình"); // still open at 31/3: overdue
  clock.set("2026-03-20T03:00:00Z");
  await file(null); // open, due 9/4: pending on time
  await file("Sở Tư pháp"); // open, due 9/4
  clock.set("2026-01-10T03:00:00Z");
  await store.changeStatus(onTime, { to: "accepted", actor: staff });
  await store.changeStatus(onTime, { to: "answered", actor: staff, note: "ok" });
  await store.changeStatus(rejected, {
    to: "rejected",
    actor: staff,
    reason: "Không thuộc thẩm quyền",
  });
  clock.set("2026-02-10T03:00:00Z");
  await store.changeStatus(late, { to: "accepted", actor: staff });
  await store.changeStatus(late, { to: "answered", actor: staff, note: "ok" });
  await store.changeStatus(carried, { to: "accepted", actor: staff });
  await store.changeStatus(carried, { to: "answered", actor: staff, note: "ok" });
  return { sql, file: dbFile };
}

describe("quarters", () => {
  it("parses quarters in Vietnam's time", () => {
    expect(parseQuarter("2026Q1")).toMatchObject({
      from: new Date("2025-12-31T17:00:00Z"),
      to: new Date("2026-03-31T17:00:00Z"),
    });
    expect(parseQuarter("2026-q4").to).toEqual(new Date("2026-12-31T17:00:00Z"));
    expect(() => parseQuarter("2026Q5")).toThrow(FeedbackInputError);
  });
});

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`quarterly report on ${engine.name}`, () => {
    it("counts received, handled on time / late, rejected, pending and overdue by agency", async () => {
      const { sql } = await seed(engine);
      const r = await quarterlyReport(sql, "2026Q1", new Date("2026-06-01T00:00:00Z"));
      expect(r.asOf).toBe("2026-03-31T17:00:00.000Z");
      expect(r.rows).toEqual([
        {
          agency: "UBND phường Ba Đình",
          received: 3,
          handledOnTime: 1, // the rejection, on 10/1
          handledLate: 1,
          rejected: 1,
          pendingOnTime: 0,
          pendingOverdue: 1,
        },
        {
          agency: "Sở Tư pháp",
          received: 2,
          handledOnTime: 1,
          handledLate: 1, // received in Q4, answered 10/2 after its 9/1 due date
          rejected: 0,
          pendingOnTime: 1,
          pendingOverdue: 0,
        },
        {
          agency: "",
          received: 1,
          handledOnTime: 0,
          handledLate: 0,
          rejected: 0,
          pendingOnTime: 1,
          pendingOverdue: 0,
        },
      ]);
      expect(r.total).toMatchObject({
        received: 6,
        handledOnTime: 2,
        handledLate: 2,
        pendingOverdue: 1,
      });
    });

    it("mid-quarter figures are as of now", async () => {
      const { sql } = await seed(engine);
      const r = await quarterlyReport(sql, "2026Q1", new Date("2026-01-20T00:00:00Z"));
      expect(r.asOf).toBe("2026-01-20T00:00:00.000Z");
      expect(r.total).toMatchObject({
        received: 4,
        handledOnTime: 2,
        handledLate: 0,
        pendingOverdue: 1,
      });
    });
  });
}

describe("report exports", () => {
  it("CSV: Vietnamese headers, unassigned labelled, formulas defused", () => {
    const csv = reportToCsv({
      quarter: "2026Q1",
      from: "",
      to: "",
      asOf: "",
      rows: [
        {
          agency: '=HYPERLINK("x")',
          received: 1,
          handledOnTime: 0,
          handledLate: 0,
          rejected: 0,
          pendingOnTime: 1,
          pendingOverdue: 0,
        },
        {
          agency: "",
          received: 2,
          handledOnTime: 0,
          handledLate: 0,
          rejected: 0,
          pendingOnTime: 2,
          pendingOverdue: 0,
        },
      ],
      total: {
        agency: "Tổng cộng",
        received: 3,
        handledOnTime: 0,
        handledLate: 0,
        rejected: 0,
        pendingOnTime: 3,
        pendingOverdue: 0,
      },
    });
    const lines = csv
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]).toBe(
      "Cơ quan,Tiếp nhận trong kỳ,Đã xử lý đúng hạn,Đã xử lý quá hạn,Trong đó: không thụ lý,Đang xử lý trong hạn,Đang xử lý quá hạn",
    );
    expect(lines[1]).toBe(`"'=HYPERLINK(""x"")",1,0,0,0,1,0`);
    expect(lines[2]).toBe("(chưa phân công),2,0,0,0,2,0");
    expect(lines[3]).toBe("Tổng cộng,3,0,0,0,3,0");
  });

  it("cli: feedback report --format csv prints, --format xlsx writes a workbook", async () => {
    const { file, sql } = await seed();
    await sql.close();
    const out: string[] = [];
    const deps = {
      database: () => ({ databaseFile: file! }),
      now: () => new Date("2026-06-01T00:00:00Z"),
      out: (l: string) => out.push(l),
    };
    await runFeedbackCommand(["report", "--quarter", "2026Q1"], deps);
    expect(out[0]!.split("\n")).toHaveLength(5);
    expect(out[0]).toContain("Sở Tư pháp,2,1,1,0,1,0");
    const xlsx = path.join(mkdtempSync(path.join(tmpdir(), "motcua-rep-")), "q1.xlsx");
    await runFeedbackCommand(
      ["report", "--quarter", "2026Q1", "--format", "xlsx", "--out", xlsx],
      deps,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(xlsx) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet("PAKN 2026Q1")!;
    const values = ws
      .getSheetValues()
      .filter(Boolean)
      .map((r) => (r as unknown[]).slice(1));
    expect(values.at(-1)).toEqual(["Tổng cộng", 6, 2, 2, 1, 2, 1]);
    expect(values.some((r) => r[0] === "Sở Tư pháp" && r[1] === 2)).toBe(true);
    await expect(
      runFeedbackCommand(["report", "--quarter", "2026Q1", "--format", "pdf"], deps),
    ).rejects.toThrow(/csv or xlsx/);
  });
});
