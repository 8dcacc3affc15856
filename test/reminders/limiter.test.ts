import { describe, expect, it } from "vitest";
import { createSendLimiter } from "../../src/reminders/index.ts";

describe("send limiter", () => {
  it("spaces messages under 30/s overall and 20/min per group, and obeys retry_after", () => {
    let t = 0;
    const limiter = createSendLimiter({ now: () => t, perSecond: 30, perGroupPerMinute: 20 });
    const waits = Array.from({ length: 60 }, (_, i) => limiter.reserve(`g${i}`));
    expect(waits[0]).toEqual({ waitMs: 0, booked: true });
    expect(waits[59]!.waitMs).toBeCloseTo((59 * 1000) / 30, 5);
    t = 10_000;
    expect(limiter.reserve("g0")).toEqual({ waitMs: 0, booked: true });
    // The group must wait 3 s; the overall slot is not taken meanwhile.
    expect(limiter.reserve("g0")).toEqual({ waitMs: 3000, booked: false });
    const g2 = limiter.reserve("g2");
    expect(g2.booked).toBe(true);
    expect(g2.waitMs).toBeCloseTo(1000 / 30, 5);
    limiter.retryAfter("g1", 7);
    expect(limiter.reserve("g1")).toEqual({ waitMs: 7000, booked: false });
    t = 17_000;
    expect(limiter.reserve("g1")).toEqual({ waitMs: 0, booked: true });
  });
});
