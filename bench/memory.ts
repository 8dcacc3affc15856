import v8 from "node:v8";
import vm from "node:vm";

/**
 * A full garbage collection, when one can be had: `global.gc` under `node --expose-gc`, otherwise
 * the same function obtained at run time (V8 flag set, then read from a fresh context), so that
 * `tsx bench/run.ts` needs no extra flag. Null if neither works.
 */
function findGc(): (() => void) | null {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === "function") return exposed;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc: unknown = vm.runInNewContext("gc");
    return typeof gc === "function" ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

const gc = findGc();
export const gcAvailable = gc !== null;

export interface MemorySnapshot {
  /** JS heap in use. */
  heapUsed: number;
  /** Memory outside the JS heap held by JS objects (typed-array buffers: our postings live here). */
  external: number;
  rss: number;
}

const MB = 1024 * 1024;

/** Heap used, external and RSS in MB, after two full collections when available. */
export function memorySnapshot(): MemorySnapshot {
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed / MB, external: m.external / MB, rss: m.rss / MB };
}

export function memoryDelta(before: MemorySnapshot, after: MemorySnapshot): MemorySnapshot {
  return {
    heapUsed: after.heapUsed - before.heapUsed,
    external: after.external - before.external,
    rss: after.rss - before.rss,
  };
}
