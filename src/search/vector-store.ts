/**
 * Vectors of the catalogue: a JSON cache file keyed by a hash of (model, text), so that a changed
 * record or another model is embedded again, and brute-force cosine search over normalized rows.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

const FORMAT = "motcua-embeddings/1";

const cacheSchema = z.object({
  format: z.literal(FORMAT),
  /** key → little-endian float32 bytes, base64. */
  entries: z.record(z.string(), z.string()),
});

/** Cache key of one text embedded by one model. */
export function vectorKey(model: string, text: string): string {
  return createHash("sha256").update(model).update("\0").update(text).digest("hex").slice(0, 32);
}

/** The cached vectors; an empty map when the file does not exist. Throws when it is corrupt. */
export async function loadVectorCache(file: string): Promise<Map<string, Float32Array>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw err;
  }
  const parsed = cacheSchema.parse(JSON.parse(text));
  const out = new Map<string, Float32Array>();
  for (const [key, b64] of Object.entries(parsed.entries)) {
    const bytes = Buffer.from(b64, "base64");
    if (bytes.length === 0 || bytes.length % 4 !== 0) throw new Error(`bad vector for ${key}`);
    // Copy: a Buffer may sit at an offset of a shared pool that is not 4-byte aligned.
    out.set(key, new Float32Array(new Uint8Array(bytes).buffer));
  }
  return out;
}

/** Writes the cache atomically (temporary file, then rename). */
export async function saveVectorCache(
  file: string,
  entries: ReadonlyMap<string, Float32Array>,
): Promise<void> {
  const json: z.infer<typeof cacheSchema> = { format: FORMAT, entries: {} };
  for (const [key, v] of entries) {
    json.entries[key] = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
  }
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(json));
  await rename(tmp, file);
}

/** Unit-length copy (a zero vector stays zero). */
export function normalizeVector(v: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
  norm = Math.sqrt(norm);
  const out = new Float32Array(v.length);
  if (norm > 0) for (let i = 0; i < v.length; i++) out[i] = v[i]! / norm;
  return out;
}

export interface VectorIndex {
  readonly dims: number;
  /** Rows by cosine similarity to `query`, best first, at most `k`. */
  nearest(query: Float32Array, k: number): { row: number; score: number }[];
}

/** Brute-force cosine search; rows are normalized once, here. All rows must have `dims`. */
export function createVectorIndex(rows: readonly Float32Array[]): VectorIndex {
  const dims = rows[0]?.length ?? 0;
  const matrix = new Float32Array(rows.length * dims);
  rows.forEach((r, i) => {
    if (r.length !== dims) throw new Error(`vector ${i} has ${r.length} dimensions, not ${dims}`);
    matrix.set(normalizeVector(r), i * dims);
  });
  return {
    dims,
    nearest(query, k) {
      if (query.length !== dims) {
        throw new Error(`query has ${query.length} dimensions, not ${dims}`);
      }
      const q = normalizeVector(query);
      const scored: { row: number; score: number }[] = [];
      for (let r = 0; r < rows.length; r++) {
        let dot = 0;
        const base = r * dims;
        for (let i = 0; i < dims; i++) dot += matrix[base + i]! * q[i]!;
        scored.push({ row: r, score: dot });
      }
      scored.sort((a, b) => b.score - a.score || a.row - b.row);
      return scored.slice(0, k);
    },
  };
}
