import { describe, expect, it } from "vitest";
import { runRemindersBench } from "../../bench/reminders.ts";

describe("reminders bench (small)", () => {
  it("delivers every reminder once through a fake Bot API that enforces the limits", async () => {
    const r = await runRemindersBench({ groups: 40, perGroup: 5, scripted429: 2 });
    expect(r).toMatchObject({ reminders: 200, messages: 40, lost: 0, duplicates: 0 });
    // Every 429 the fake answered was retried. How many sends it found over its real-time limit
    // depends on the machine's load, so that count is a bench figure, not asserted here.
    expect(r.retries).toBe(r.answered429.scripted + r.answered429.overLimit);
  });
});
