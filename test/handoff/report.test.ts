import { afterEach, describe, expect, it } from "vitest";
import { runHandoffCommand } from "../../src/handoff/command.ts";
import { clock, tempDbFile } from "../dialogue/helpers.ts";
import { makeHandoffHarness, type HandoffHarness } from "./helpers.ts";

let h: HandoffHarness | null = null;
afterEach(() => {
  h?.close();
  h = null;
});

const lan = { id: "web:lan", name: "lan", source: "web" };
const minh = { id: "tg:8", name: "Minh", source: "telegram" };
const MIN = 60_000;

describe("hand-off measures", () => {
  it("time to first response and to close, per officer and per day", async () => {
    const file = tempDbFile();
    const c = clock("2026-03-02T02:00:00Z");
    h = makeHandoffHarness({ file, clock: c });
    const at = (ms: number) =>
      c.set(new Date(Date.parse("2026-03-02T02:00:00Z") + ms).toISOString());

    await h.say("gặp tổng đài viên", "a");
    at(2 * MIN);
    await h.handoff.reply(1, lan, "chào");
    at(10 * MIN);
    await h.handoff.close(1, lan);

    at(20 * MIN);
    await h.say("gặp tổng đài viên", "b");
    at(24 * MIN);
    await h.handoff.reply(2, minh, "chào");
    at(50 * MIN);
    await h.handoff.close(2, minh);
    await h.press("handoff:rate:2:4", "b");

    const report = await h.handoff.report(
      new Date("2026-03-01T00:00:00Z"),
      new Date("2026-03-03T00:00:00Z"),
    );
    expect(report.byOfficer).toEqual([
      expect.objectContaining({
        key: "Minh",
        tickets: 1,
        avgFirstResponseMin: 4,
        avgCloseMin: 30,
        avgRating: 4,
      }),
      expect.objectContaining({ key: "lan", tickets: 1, avgFirstResponseMin: 2, avgCloseMin: 10 }),
    ]);
    expect(report.byDay).toEqual([
      expect.objectContaining({
        key: "2026-03-02",
        tickets: 2,
        avgFirstResponseMin: 3,
        avgCloseMin: 20,
      }),
    ]);
    h.close();
    h = null;

    const out: string[] = [];
    const code = await runHandoffCommand(["report", "--days", "7"], {
      database: () => ({ databaseFile: file }),
      now: () => new Date("2026-03-05T00:00:00Z"),
      out: (l) => out.push(l),
    });
    expect(code).toBe(0);
    expect(out.join("\n")).toMatch(/Minh/);
    expect(out.join("\n")).toMatch(/2026-03-02/);
    expect(
      await runHandoffCommand(["nope"], {
        database: () => ({ databaseFile: file }),
        out: () => {},
      }),
    ).toBe(2);
  });
});
