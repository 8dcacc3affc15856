import { describe, expect, it } from "vitest";
import { DataFileError } from "../../src/errors.ts";
import { createDeadlineCalculator, loadRules, parseRules } from "../../src/feedback/index.ts";
import { RULES, calendar } from "./helpers.ts";

const deadlines = createDeadlineCalculator(RULES, calendar);

describe("PAKN rules file", () => {
  it("ships 20 days to handle, 7-day updates, 2 working days to record the result", () => {
    const rules = loadRules();
    expect(rules.handling).toMatchObject({ amount: 20, unit: "days", rollToWorkingDay: true });
    expect(rules.progressUpdate).toMatchObject({ amount: 7, unit: "days" });
    expect(rules.resultRecording).toMatchObject({ amount: 2, unit: "working_days" });
  });

  it("refuses a file with a wrong unit or a missing period", () => {
    expect(() =>
      parseRules({ ...RULES, handling: { amount: 20, unit: "weeks" } }, "x.json"),
    ).toThrow(DataFileError);
    const missing: Record<string, unknown> = { ...RULES };
    delete missing.progressUpdate;
    expect(() => parseRules(missing)).toThrow(/progressUpdate/);
  });
});

describe("deadlines", () => {
  it("20 days from the day after receipt, ending at 24:00 in Hà Nội", () => {
    const d = deadlines.forReceipt(new Date("2026-03-04T02:00:00Z")); // Wed 4/3
    expect(d.dueDate).toBe("2026-03-24");
    expect(d.dueAt.toISOString()).toBe("2026-03-24T16:59:59.999Z");
    expect(d.firstProgressAt.toISOString()).toBe("2026-03-31T16:59:59.999Z");
  });

  it("a period ending on a day off ends on the next working day (Tết 2026)", () => {
    // 2/2 + 20 days = Sunday 22/2, last day of the Tết break → Monday 23/2.
    expect(deadlines.forReceipt(new Date("2026-02-02T03:00:00Z")).dueDate).toBe("2026-02-23");
    // 27/1 + 20 = Monday 16/2, first official day of Tết → 23/2 as well.
    expect(deadlines.forReceipt(new Date("2026-01-27T03:00:00Z")).dueDate).toBe("2026-02-23");
  });

  it("uses the Vietnamese date of receipt, not the UTC one", () => {
    // 23:30 on 4/3 in Hà Nội vs 00:30 on 5/3.
    expect(deadlines.forReceipt(new Date("2026-03-04T16:30:00Z")).dueDate).toBe("2026-03-24");
    expect(deadlines.forReceipt(new Date("2026-03-04T17:30:00Z")).dueDate).toBe("2026-03-25");
  });

  it("the result is recorded within 2 working days (over Tết and 30/4)", () => {
    expect(deadlines.resultRecordDue("2026-02-12").toISOString()).toBe("2026-02-23T16:59:59.999Z");
    expect(deadlines.resultRecordDue("2026-04-29").toISOString()).toBe("2026-05-05T16:59:59.999Z");
  });

  it("counts the handling period in working days when the rules say so", () => {
    const wd = createDeadlineCalculator(
      parseRules({ ...RULES, handling: { amount: 5, unit: "working_days" } }),
      calendar,
    );
    expect(wd.forReceipt(new Date("2026-02-12T03:00:00Z")).dueDate).toBe("2026-02-26");
  });
});
