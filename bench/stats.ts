/** Latency statistics for the benchmark. Pure functions, no timing of their own. */

/**
 * The p-th percentile (0 ≤ p ≤ 100) of `values`, linearly interpolated between the two closest
 * ranks (the "type 7" rule of R and NumPy's default). NaN for an empty list. Does not modify input.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

/** Median (the 50th percentile). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export interface LatencySummary {
  n: number;
  p50: number;
  p95: number;
  mean: number;
  max: number;
}

export function summarize(values: readonly number[]): LatencySummary {
  const n = values.length;
  return {
    n,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    mean: n ? values.reduce((s, v) => s + v, 0) / n : Number.NaN,
    max: n ? Math.max(...values) : Number.NaN,
  };
}

/**
 * Up to `max` indices of 0..n-1, evenly spread and in order (all of them when n ≤ max): a
 * deterministic sample when a slow system cannot time every question within the budget.
 */
export function spreadSample(n: number, max: number): number[] {
  const k = Math.max(0, Math.min(n, Math.floor(max)));
  if (k === n) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: k }, (_, i) => Math.floor((i * n) / k));
}
