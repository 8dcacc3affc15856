import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_HOLIDAYS_FILE,
  loadHolidayOverrides,
  parseHolidayOverrides,
} from "../../src/calendar/index.ts";
import { DataFileError } from "../../src/errors.ts";

const entry = (over: Record<string, unknown> = {}) => ({
  date: "2026-09-01",
  kind: "day_off",
  name: "Quốc khánh",
  reference: "Thông báo …",
  ...over,
});

function issuesOf(value: unknown): string[] {
  try {
    parseHolidayOverrides(value, "test.json");
  } catch (err) {
    expect(err).toBeInstanceOf(DataFileError);
    return [...(err as DataFileError).problems];
  }
  throw new Error("expected a DataFileError");
}

describe("holidays overrides file", () => {
  it("the shipped file is valid and every day has a legal reference", () => {
    const rules = loadHolidayOverrides(DEFAULT_HOLIDAYS_FILE);
    expect(rules.length).toBeGreaterThan(10);
    for (const r of rules) expect(r.reference.length).toBeGreaterThan(10);
    const raw = JSON.parse(readFileSync(DEFAULT_HOLIDAYS_FILE, "utf8")) as { days: unknown[] };
    expect(raw.days.length).toBeGreaterThan(0);
  });

  it("expands ranges day by day", () => {
    const rules = parseHolidayOverrides({
      days: [entry({ date: "2026-02-14", to: "2026-02-16" })],
    });
    expect(rules.map((r) => r.date)).toEqual(["2026-02-14", "2026-02-15", "2026-02-16"]);
    expect(rules.every((r) => r.source === "override")).toBe(true);
  });

  it("names the entry and field of each mistake", () => {
    expect(issuesOf({ days: [entry({ date: "2026-02-30" })] })).toEqual([
      "days.0.date: must be a date YYYY-MM-DD",
    ]);
    expect(issuesOf({ days: [entry(), entry({ reference: " " })] })).toEqual([
      "days.1.reference: must not be empty",
    ]);
    expect(issuesOf({ days: [entry({ to: "2026-08-31" })] })).toEqual([
      "days.0.to: is before date",
    ]);
    expect(issuesOf({ days: [entry({ kind: "holiday" })] })[0]).toMatch(/^days\.0\.kind/);
    expect(issuesOf({ days: [entry({ extra: 1 })] })[0]).toMatch(/extra/);
    expect(issuesOf({ days: [entry(), entry({ kind: "working_day" })] })).toEqual([
      "2026-09-01: both day_off and working_day",
    ]);
  });

  it("a file that is not JSON is a DataFileError naming the file", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "motcua-hol-")), "h.json");
    writeFileSync(file, "{ days: [");
    expect(() => loadHolidayOverrides(file)).toThrow(DataFileError);
    expect(() => loadHolidayOverrides(file)).toThrow(file);
  });
});
