import { describe, expect, it } from "vitest";
import { DataFileError } from "../../src/errors.ts";
import {
  loadReminderRules,
  parseReminderRules,
  runRemindersCommand,
} from "../../src/reminders/index.ts";
import { tempDbFile } from "../feedback/helpers.ts";

async function cli(args: string[], file: string): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await runRemindersCommand(args, {
    database: () => ({ databaseFile: file }),
    now: () => new Date("2026-03-16T01:00:00Z"),
    out: (l) => out.push(l),
  });
  return { code, out };
}

describe("reminders command", () => {
  it("plan --json: the periodic rules alone give the quarterly reports in their lead window", async () => {
    const file = tempDbFile();
    const { code, out } = await cli(["plan", "--now", "2026-03-16T08:00+07:00", "--json"], file);
    expect(code).toBe(0);
    const rows = JSON.parse(out[0]!) as { kind: string; agency: string; chat: null; due: string }[];
    expect(rows.find((r) => r.agency === "X-UBND")).toEqual({
      kind: "report",
      agency: "X-UBND",
      chat: null,
      due: "2026-03-20",
      title: "Báo cáo quý về kiểm soát TTHC (cấp xã)",
    });
    expect(rows.find((r) => r.agency === "STP")).toMatchObject({
      kind: "report",
      due: "2026-03-25",
    });
    // Sunday: nothing.
    const sunday = await cli(["plan", "--now", "2026-03-15T08:00+07:00", "--json"], file);
    expect(sunday.out).toEqual(["[]"]);
  });

  it("add → plan lists the custom deadline; approve needs a pending /dangky", async () => {
    const file = tempDbFile();
    const added = await cli(
      ["add", "--title", "Nộp số liệu", "--due", "2026-03-17", "--agency", "STP", "--ref", "CV 12"],
      file,
    );
    expect(added.code).toBe(0);
    const { out } = await cli(["plan", "--now", "2026-03-16T08:00+07:00", "--json"], file);
    expect(JSON.parse(out[0]!)).toContainEqual({
      kind: "custom",
      agency: "STP",
      chat: null,
      due: "2026-03-17",
      title: "Nộp số liệu",
    });
    expect((await cli(["approve", "-100123"], file)).code).toBe(1);
  });

  it("validates the rules file", () => {
    expect(loadReminderRules().periodic.map((p) => p.id)).toContain("q-commune");
    expect(() => parseReminderRules({ ...loadReminderRules(), sendAfter: "25:00" })).toThrow(
      DataFileError,
    );
  });
});
