import { describe, expect, it } from "vitest";
import { createSimdDots } from "../../src/search/simd-dots.ts";
import { createVectorIndex, plainDots } from "../../src/search/vector-store.ts";

/** Deterministic pseudo-random vector (a linear congruential sequence), values in [-1, 1). */
function vector(seed: number, dims: number): Float32Array {
  let x = seed * 2654435761;
  return Float32Array.from({ length: dims }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 30 - 1;
  });
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

describe("createVectorIndex", () => {
  // 384 as the model gives; 7 and 3 leave a remainder after the loop's steps of four.
  for (const dims of [384, 7, 3]) {
    it(`gives each item the cosine of its closest vector (${dims} dimensions)`, () => {
      const rows = Array.from({ length: 9 }, (_, i) => vector(i + 1, dims));
      const owners = [0, 0, 1, 2, 2, 2, 3, 4, 4];
      const index = createVectorIndex(rows, owners);
      const query = vector(99, dims);
      const got = index.similarities(query);
      expect(got).toHaveLength(5);
      for (let item = 0; item < 5; item++) {
        const best = Math.max(
          ...rows.filter((_, r) => owners[r] === item).map((row) => cosine(row, query)),
        );
        expect(got[item]).toBeCloseTo(best, 5);
      }
    });
  }

  it("finds a stored vector itself as the closest, at cosine 1", () => {
    const rows = Array.from({ length: 20 }, (_, i) => vector(i + 7, 384));
    const index = createVectorIndex(rows);
    const got = index.similarities(rows[13]!.map((v) => v * 3));
    expect(got[13]).toBeCloseTo(1, 5);
    expect(Math.max(...got)).toBe(got[13]);
  });

  it("rejects a query of another dimension", () => {
    const index = createVectorIndex([vector(1, 8)]);
    expect(() => index.similarities(vector(2, 7))).toThrow(/7 dimensions, not 8/);
  });
});

describe("createSimdDots", () => {
  it("gives the plain loop's dot products, to float32 rounding", () => {
    const dims = 384;
    const rows = 300;
    const matrix = new Float32Array(rows * dims);
    for (let r = 0; r < rows; r++) matrix.set(vector(r + 3, dims), r * dims);
    const query = vector(77, dims);
    const simd = createSimdDots(matrix, dims);
    expect(simd).not.toBeNull(); // Node 20 has WebAssembly SIMD
    const want = Array.from(plainDots(matrix, dims)(query));
    const got = Array.from(simd!(query));
    expect(got).toHaveLength(rows);
    for (let r = 0; r < rows; r++) expect(Math.abs(got[r]! - want[r]!)).toBeLessThan(1e-3);
    // and again with another query: the module's buffers are reused, not stale
    const other = vector(78, dims);
    const again = Array.from(simd!(other));
    const wantAgain = Array.from(plainDots(matrix, dims)(other));
    for (let r = 0; r < rows; r++) expect(Math.abs(again[r]! - wantAgain[r]!)).toBeLessThan(1e-3);
    expect(again[0]).not.toBe(got[0]);
  });

  it("declines what its four lanes cannot take: a width not a multiple of 4, no rows", () => {
    expect(createSimdDots(new Float32Array(14), 7)).toBeNull();
    expect(createSimdDots(new Float32Array(0), 0)).toBeNull();
  });
});
