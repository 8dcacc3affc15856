import { describe, expect, it } from "vitest";
import { median, percentile, spreadSample, summarize } from "../../bench/stats.ts";

describe("percentile", () => {
  it("interpolates linearly between ranks (NumPy's default)", () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile(xs, 100)).toBe(10);
    expect(percentile(xs, 50)).toBeCloseTo(5.5, 12);
    expect(percentile(xs, 95)).toBeCloseTo(9.55, 12);
    expect(percentile(xs, 25)).toBeCloseTo(3.25, 12);
  });

  it("does not depend on input order and leaves the input alone", () => {
    const xs = [9, 1, 5, 3, 7];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 95)).toBeCloseTo(8.6, 12);
    expect(xs).toEqual([9, 1, 5, 3, 7]);
  });

  it("handles one value, no values and bad ranks", () => {
    expect(percentile([4.2], 95)).toBe(4.2);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });

  it("median of an even count is the mean of the middle two", () => {
    expect(median([3, 1, 4, 2])).toBe(2.5);
  });
});

describe("summarize", () => {
  it("gives n, p50, p95, mean and max", () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    const s = summarize(xs);
    expect(s.n).toBe(100);
    expect(s.p50).toBeCloseTo(50.5, 12);
    expect(s.p95).toBeCloseTo(95.05, 12);
    expect(s.mean).toBeCloseTo(50.5, 12);
    expect(s.max).toBe(100);
  });
});

describe("spreadSample", () => {
  it("takes everything when it fits, an even spread otherwise", () => {
    expect(spreadSample(4, 10)).toEqual([0, 1, 2, 3]);
    expect(spreadSample(10, 5)).toEqual([0, 2, 4, 6, 8]);
    expect(spreadSample(10, 0)).toEqual([]);
    expect(new Set(spreadSample(419, 57)).size).toBe(57);
  });
});
