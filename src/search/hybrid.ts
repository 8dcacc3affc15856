/**
 * Optional hybrid retrieval: the lexical top 50 fused with the nearest catalogue records by
 * embedding (cosine), by Reciprocal Rank Fusion. Confidence stays the lexical judgement. Until the
 * catalogue is embedded, or when the embeddings API fails, search() gives the lexical result.
 */
import type { Procedure } from "../catalogue/types.ts";
import { normalizeText } from "../text/normalize.ts";
import type { EmbeddingsClient } from "./embeddings.ts";
import { MAX_QUERY_CHARS } from "./lexical.ts";
import type { Retriever, SearchHit, SearchResult } from "./types.ts";
import {
  createVectorIndex,
  loadVectorCache,
  saveVectorCache,
  vectorKey,
  type VectorIndex,
} from "./vector-store.ts";

/** The few logger methods used (a pino Logger fits). */
export interface HybridLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface HybridRetrieverOptions {
  catalogue: readonly Procedure[];
  lexical: Retriever;
  embeddings: EmbeddingsClient;
  /** JSON cache of the catalogue vectors; none when omitted. */
  cacheFile?: string;
  logger?: HybridLogger;
  /** Candidates taken from each ranking. Default 50. */
  pool?: number;
  /** RRF constant. Default 60. */
  rrfK?: number;
  /** Time limit of the question's embedding (the catalogue uses the client's). Default 3 s. */
  queryTimeoutMs?: number;
  /** After a failed call, questions go lexical-only this long before the API is tried again. */
  retryAfterMs?: number;
  now?: () => number;
}

export interface HybridRetriever {
  /** Embeds the catalogue (cached vectors are reused). Rejects on failure; call again to retry. */
  ready(): Promise<void>;
  /** Never rejects because of the embeddings API: falls back to the lexical result. */
  search(query: string, limit?: number): Promise<SearchResult>;
}

/** Texts embedded per embed() call while the catalogue is embedded (progress is kept). */
const CHUNK = 256;
const RESULT_CHARS = 300;

/** What is embedded for one record: name, field and the start of the result. */
export function recordText(p: Procedure): string {
  return normalizeText(`${p.name}\n${p.field}\n${p.result.slice(0, RESULT_CHARS)}`);
}

export function createHybridRetriever(opts: HybridRetrieverOptions): HybridRetriever {
  const { catalogue, lexical, embeddings, cacheFile, logger } = opts;
  const pool = opts.pool ?? 50;
  const rrfK = opts.rrfK ?? 60;
  const queryTimeoutMs = opts.queryTimeoutMs ?? 3_000;
  const retryAfterMs = opts.retryAfterMs ?? 30_000;
  const now = opts.now ?? Date.now;
  let index: VectorIndex | null = null;
  let building: Promise<void> | null = null;
  let warnedNotReady = false;
  let degraded = false;
  let pausedUntil = -Infinity;

  async function build(): Promise<void> {
    const texts = catalogue.map(recordText);
    const keys = texts.map((t) => vectorKey(embeddings.model, t));
    let known = new Map<string, Float32Array>();
    if (cacheFile) {
      try {
        known = await loadVectorCache(cacheFile);
      } catch (err) {
        logger?.warn({ err, cacheFile }, "embeddings cache unreadable: embedding again");
      }
    }
    const missing = new Map<string, string>();
    keys.forEach((k, i) => {
      if (!known.has(k)) missing.set(k, texts[i]!);
    });
    const wanted = new Set(keys);
    const stale = [...known.keys()].some((k) => !wanted.has(k));
    if (missing.size > 0) {
      logger?.info({ missing: missing.size, total: keys.length }, "embedding the catalogue");
    }
    const todo = [...missing];
    let failure: unknown;
    for (let i = 0; i < todo.length && failure === undefined; i += CHUNK) {
      const chunk = todo.slice(i, i + CHUNK);
      try {
        const vectors = await embeddings.embed(chunk.map(([, text]) => text));
        chunk.forEach(([key], j) => known.set(key, vectors[j]!));
      } catch (err) {
        failure = err;
      }
    }
    if (cacheFile && (todo.length > 0 || stale)) {
      const keep = new Map<string, Float32Array>();
      for (const k of keys) if (known.has(k)) keep.set(k, known.get(k)!);
      if (keep.size > 0 || stale) {
        await saveVectorCache(cacheFile, keep).catch((err: unknown) => {
          logger?.warn({ err, cacheFile }, "could not write the embeddings cache");
        });
      }
    }
    if (failure !== undefined) throw failure;
    index = createVectorIndex(keys.map((k) => known.get(k)!));
    logger?.info({ procedures: keys.length, dims: index.dims }, "hybrid search ready");
  }

  function ready(): Promise<void> {
    building ??= build().catch((err: unknown) => {
      building = null;
      throw err;
    });
    return building;
  }

  async function search(query: string, limit = 10): Promise<SearchResult> {
    const lex = lexical.search(query, pool);
    const size = Math.max(1, Math.min(limit, pool));
    const lexicalOnly = (): SearchResult => ({
      hits: lex.hits.slice(0, size),
      confidence: lex.confidence,
    });
    if (!index) {
      if (!warnedNotReady) {
        warnedNotReady = true;
        logger?.warn({}, "hybrid search not ready yet: lexical results only");
      }
      return lexicalOnly();
    }
    const text = query.slice(0, MAX_QUERY_CHARS);
    if (!/[\p{L}\p{N}]/u.test(text) || now() < pausedUntil) return lexicalOnly();
    let dense: { row: number; score: number }[];
    try {
      const [vector] = await embeddings.embed([text], { timeoutMs: queryTimeoutMs });
      dense = index.nearest(vector!, pool);
    } catch (err) {
      pausedUntil = now() + retryAfterMs;
      if (!degraded) {
        degraded = true;
        logger?.warn({ err }, "embeddings failed: lexical results only until they work again");
      }
      return lexicalOnly();
    }
    if (degraded) {
      degraded = false;
      logger?.info({}, "embeddings work again: hybrid search resumed");
    }
    const denseCodes = dense.map((d) => catalogue[d.row]!.code);
    const hits = fuse(lex.hits, denseCodes, rrfK).slice(0, size);
    // Dense scores never make a result "sure": a changed first hit is at best "ambiguous".
    const confidence =
      lex.confidence === "sure" && hits[0]?.code !== lex.hits[0]?.code
        ? "ambiguous"
        : lex.confidence;
    return { hits, confidence };
  }

  return { ready, search };
}

/** Reciprocal Rank Fusion; ties keep the lexical order. */
export function fuse(
  lexical: readonly SearchHit[],
  dense: readonly string[],
  k: number,
): SearchHit[] {
  const fused = new Map<string, { score: number; lexRank: number }>();
  const add = (code: string, rank: number, lexRank: number) => {
    const entry = fused.get(code) ?? { score: 0, lexRank: Infinity };
    entry.score += 1 / (k + rank + 1);
    entry.lexRank = Math.min(entry.lexRank, lexRank);
    fused.set(code, entry);
  };
  lexical.forEach((h, i) => add(h.code, i, i));
  dense.forEach((code, i) => add(code, i, Infinity));
  return [...fused]
    .sort(([a, x], [b, y]) => y.score - x.score || x.lexRank - y.lexRank || (a < b ? -1 : 1))
    .map(([code, { score }]) => ({ code, score }));
}
