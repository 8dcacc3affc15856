import { readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  addDays,
  createCalendar,
  createHolidaySource,
  loadCalendar,
  statutoryHolidays,
  computeStatutoryHolidays,
  statutoryTable,
  STATUTORY_TABLE_FILE,
  type DayRule,
  type StatutoryTable,
} from "../../src/calendar/index.ts";
import { runCli } from "../../src/cli.ts";

const calendar = loadCalendar();

const offDays = (from: string, to: string) => {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (!calendar.isWorkingDay(d)) out.push(d);
  return out;
};

describe("statutory holidays from date-holidays", () => {
  it("expands Tết to its five days and keeps public days only", () => {
    const days = statutoryHolidays(2026).map((r) => r.date);
    expect(days).toEqual([
      "2026-01-01",
      "2026-02-16",
      "2026-02-17",
      "2026-02-18",
      "2026-02-19",
      "2026-02-20",
      "2026-04-26",
      "2026-04-30",
      "2026-05-01",
      "2026-09-02",
    ]);
  });

  it("reads the years of data/statutory-holidays.json exactly as the package computes them", () => {
    const file = JSON.parse(readFileSync(STATUTORY_TABLE_FILE, "utf8")) as StatutoryTable;
    expect(Object.keys(file.years)).toHaveLength(101);
    expect(file).toEqual(statutoryTable(2000, 2100));
    expect(statutoryHolidays(2031)).toEqual(computeStatutoryHolidays(2031));
  });

  it("computes a year outside the table with the package", () => {
    const days = statutoryHolidays(2101);
    expect(days.map((r) => r.date)).toContain("2101-09-02");
    expect(days.filter((r) => r.name === "Giao thừa Tết Nguyên Đán")).toHaveLength(5);
  });
});

describe("Tết 2026 (official days 16–20/2, off 14–22/2)", () => {
  it("has no working day from Saturday 14/2 to Sunday 22/2", () => {
    expect(offDays("2026-02-13", "2026-02-23")).toEqual([
      "2026-02-14",
      "2026-02-15",
      "2026-02-16",
      "2026-02-17",
      "2026-02-18",
      "2026-02-19",
      "2026-02-20",
      "2026-02-21",
      "2026-02-22",
    ]);
  });

  it("adds working days across it: 12/2 + 5 = 26/2", () => {
    expect(calendar.addWorkingDays("2026-02-12", 1)).toBe("2026-02-13");
    expect(calendar.addWorkingDays("2026-02-12", 2)).toBe("2026-02-23");
    expect(calendar.addWorkingDays("2026-02-12", 5)).toBe("2026-02-26");
    expect(calendar.addWorkingDays("2026-02-26", -5)).toBe("2026-02-12");
  });

  it("counts working days across it", () => {
    expect(calendar.countWorkingDays("2026-02-12", "2026-02-26")).toBe(5);
    expect(calendar.countWorkingDays("2026-02-13", "2026-02-22")).toBe(0);
    expect(calendar.countWorkingDays("2026-02-26", "2026-02-12")).toBe(-5);
  });

  it("takes instants in Vietnam's time zone", () => {
    // 20:00 UTC on Friday 13/2 is 03:00 on Saturday 14/2 in Hà Nội.
    expect(calendar.isWorkingDay(new Date("2026-02-13T16:59:59Z"))).toBe(true);
    expect(calendar.isWorkingDay(new Date("2026-02-13T17:00:00Z"))).toBe(false);
    expect(calendar.addWorkingDays(new Date("2026-02-12T18:00:00Z"), 1)).toBe("2026-02-23");
  });
});

describe("New Year 2026: 1–4/1 off, Saturday 10/1 worked", () => {
  it("swaps Friday 2/1 for Saturday 10/1", () => {
    expect(calendar.isWorkingDay("2026-01-02")).toBe(false);
    expect(calendar.isWorkingDay("2026-01-10")).toBe(true);
    expect(calendar.isWorkingDay("2026-01-17")).toBe(false);
    expect(calendar.addWorkingDays("2025-12-31", 1)).toBe("2026-01-05");
    expect(calendar.addWorkingDays("2026-01-09", 1)).toBe("2026-01-10");
    expect(calendar.countWorkingDays("2026-01-04", "2026-01-11")).toBe(6);
  });

  it("gives the legal reference of a special day", () => {
    const rule = calendar.ruleFor("2026-01-10");
    expect(rule?.kind).toBe("working_day");
    expect(rule?.reference).toMatch(/VPCP/);
  });
});

describe("30/4 – 1/5", () => {
  it("2026: Hùng Kings' day on Sunday 26/4 is made up on Monday 27/4; 30/4 and 1/5 off", () => {
    expect(offDays("2026-04-24", "2026-05-04")).toEqual([
      "2026-04-25",
      "2026-04-26",
      "2026-04-27",
      "2026-04-30",
      "2026-05-01",
      "2026-05-02",
      "2026-05-03",
    ]);
    expect(calendar.addWorkingDays("2026-04-29", 1)).toBe("2026-05-04");
    expect(calendar.addWorkingDays("2026-04-24", 2)).toBe("2026-04-29");
    expect(calendar.addWorkingDays("2026-04-24", 3)).toBe("2026-05-04");
  });

  it("2025: off 30/4–4/5 with Saturday 26/4 worked", () => {
    expect(calendar.isWorkingDay("2025-04-26")).toBe(true);
    expect(offDays("2025-04-28", "2025-05-05")).toEqual([
      "2025-04-30",
      "2025-05-01",
      "2025-05-02",
      "2025-05-03",
      "2025-05-04",
    ]);
    expect(calendar.addWorkingDays("2025-04-25", 1)).toBe("2025-04-26");
    expect(calendar.addWorkingDays("2025-04-29", 1)).toBe("2025-05-05");
  });
});

describe("2025 Tết and National Day", () => {
  it("Tết 25/1–2/2: the first working day after Friday 24/1 is Monday 3/2", () => {
    expect(calendar.addWorkingDays("2025-01-24", 1)).toBe("2025-02-03");
    expect(calendar.isWorkingDay("2025-01-27")).toBe(false);
  });

  it("2/9 with Monday 1/9", () => {
    expect(offDays("2025-08-29", "2025-09-03")).toEqual([
      "2025-08-30",
      "2025-08-31",
      "2025-09-01",
      "2025-09-02",
    ]);
  });
});

describe("createCalendar", () => {
  const rule = (date: string, kind: DayRule["kind"]): DayRule => ({
    date,
    kind,
    name: "t",
    reference: "r",
    source: "override",
  });

  it("lets overrides win over the statutory days, and works without them", () => {
    const plain = createCalendar({ holidays: createHolidaySource({ statutory: () => [] }) });
    expect(plain.isWorkingDay("2026-01-01")).toBe(true);
    expect(plain.isWorkingDay("2026-01-03")).toBe(false);
    const c = createCalendar({
      holidays: createHolidaySource({ overrides: [rule("2026-04-30", "working_day")] }),
    });
    expect(c.isWorkingDay("2026-04-30")).toBe(true);
    expect(c.isWorkingDay("2026-05-01")).toBe(false);
  });

  it("add and count are inverse over two years of dates", () => {
    for (let d = "2025-01-01"; d <= "2026-12-31"; d = addDays(d, 3)) {
      for (const n of [0, 1, 2, 7, 20]) {
        const later = calendar.addWorkingDays(d, n);
        expect(calendar.countWorkingDays(d, later)).toBe(n);
        if (n > 0) expect(calendar.isWorkingDay(later)).toBe(true);
      }
    }
  });

  it("rejects bad dates and non-integer counts", () => {
    expect(() => calendar.addWorkingDays("2026-02-30", 1)).toThrow(/valid date/);
    expect(() => calendar.addWorkingDays("2026-02-12", 1.5)).toThrow(/integer/);
    expect(() => calendar.isWorkingDay(new Date("nope"))).toThrow(/valid date/);
  });

  it("rolls a day off forward to the next working day", () => {
    expect(calendar.nextWorkingDayOnOrAfter("2026-02-14")).toBe("2026-02-23");
    expect(calendar.nextWorkingDayOnOrAfter("2026-02-23")).toBe("2026-02-23");
  });
});

describe("cli calendar", () => {
  async function cli(...argv: string[]) {
    const out: string[] = [];
    const code = await runCli(argv, {
      out: (l) => out.push(l),
      err: () => {},
      stdin: new PassThrough(),
      env: {},
    });
    return { code, out };
  }

  it("calendar add 2026-02-12 5 prints 2026-02-26", async () => {
    expect(await cli("calendar", "add", "2026-02-12", "5")).toEqual({
      code: 0,
      out: ["2026-02-26"],
    });
  });

  it("calendar count and days", async () => {
    expect((await cli("calendar", "count", "2026-02-12", "2026-02-26")).out).toEqual(["5"]);
    const days = (await cli("calendar", "days", "2026")).out;
    expect(days.find((l) => l.startsWith("2026-01-10"))).toMatch(/T7\s+làm việc/);
  });

  it("a bad date is a usage error", async () => {
    await expect(cli("calendar", "add", "12/02/2026", "5")).rejects.toMatchObject({
      name: "UsageError",
    });
  });
});
