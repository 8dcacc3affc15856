/**
 * Hybrid retrieval: the lexical ranking (BM25 + reranks) fused with the cosine similarity of the
 * question to each procedure's embeddings. Each procedure has two vectors (its name; its name,
 * field and result) and counts by the closer one. The fused score of a candidate is its lexical
 * score plus WEIGHT × (its family's best cosine − best cosine), over the lexical top 50 and the
 * dense top 30; a family is an act with its level copies and variants (variants.ts familyName).
 *
 * Until the catalogue is embedded, or while the embeddings API fails, search() gives the lexical
 * result; it never rejects because of the API.
 */
import type { Procedure } from "../catalogue/index.ts";
import { hasAccents, normalizeText } from "../text/index.ts";
import { syllables } from "../text/index.ts";
import { judgeHybrid, type Evidence } from "./hybrid-confidence.ts";
import { wordsBeyond } from "./confidence.ts";
import type { EmbeddingsClient } from "./embeddings.ts";
import { MAX_QUERY_CHARS, type LexicalOptions } from "./lexical.ts";
import { askFirst } from "./query.ts";
import type { Retriever, SearchHit, SearchResult } from "./types.ts";
import { baseName, familyName } from "./variants.ts";
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
  /** The lexical retriever's text tools: the question is embedded as the lexical side reads it. */
  tools?: Pick<
    LexicalOptions,
    "restorer" | "synonyms" | "questionWords" | "qualifiers" | "acronyms"
  >;
  /** Binary file of the catalogue vectors (src/search/vector-store.ts); none when omitted. */
  cacheFile?: string;
  logger?: HybridLogger;
  /** Weight of the cosine gap to the best procedure against the lexical score. Default 8. */
  weight?: number;
  /** Time limit of the question's embedding. Default 800 ms. */
  queryTimeoutMs?: number;
  /** After a failed call, questions go lexical-only this long before the API is tried again. */
  retryAfterMs?: number;
  /** Question vectors kept, least recently used dropped first: a repeated question is not sent again. Default 1000. */
  queryCacheSize?: number;
  now?: () => number;
}

export interface HybridRetriever {
  /** Embeds the catalogue (stored vectors are reused). Rejects on failure; call again to retry. */
  ready(): Promise<void>;
  /** Never rejects because of the embeddings API: falls back to the lexical result. */
  search(query: string, limit?: number): Promise<SearchResult>;
  /** Whether questions are answered hybrid right now (vectors loaded, API not failing). */
  isReady(): boolean;
  /** The evidence behind the ranking of `query`: both sides, or the lexical result alone. */
  explain(query: string): Promise<Evidence | SearchResult>;
}

/** Texts embedded per request while the catalogue is embedded (progress is logged per chunk). */
const CHUNK = 64;
const RESULT_CHARS = 300;
const LEXICAL_POOL = 50;
const DENSE_POOL = 30;
const CODE = /\b\d\.\d{6}\b/;
/**
 * Syllables of the question the model reads (its synonyms' wording comes on top). The model's
 * time grows with its input (about 0.8 ms a token here); its first 24 syllables kept faq_dev's
 * hit@1 and sure-but-wrong and colloquial_dev's figures, and cut the hybrid p95 by a third.
 */
export const DENSE_WORDS = 24;

/** The texts embedded for one procedure: its name; its name, field and start of its result. */
export function passageTexts(p: Procedure): string[] {
  return [
    normalizeText(p.name),
    normalizeText(`${p.name}\n${p.field}\n${p.result.slice(0, RESULT_CHARS)}`),
  ];
}

export function createHybridRetriever(opts: HybridRetrieverOptions): HybridRetriever {
  const { catalogue, lexical, embeddings, cacheFile, logger, tools = {} } = opts;
  const weight = opts.weight ?? 8;
  const queryTimeoutMs = opts.queryTimeoutMs ?? 800;
  const retryAfterMs = opts.retryAfterMs ?? 30_000;
  const now = opts.now ?? Date.now;
  const cacheSize = opts.queryCacheSize ?? 1000;
  const queryVectors = new Map<string, Float32Array>();

  /** The question's vector, from the cache or the API (which may throw). */
  async function queryVector(text: string): Promise<Float32Array> {
    const cached = queryVectors.get(text);
    if (cached) {
      queryVectors.delete(text);
      queryVectors.set(text, cached);
      return cached;
    }
    const [vector] = await embeddings.embed([text], { timeoutMs: queryTimeoutMs, kind: "query" });
    queryVectors.set(text, vector!);
    if (queryVectors.size > cacheSize) queryVectors.delete(queryVectors.keys().next().value!);
    return vector!;
  }
  const byCode = new Map(catalogue.map((p, i) => [p.code, i]));
  const bases = catalogue.map((p) => baseName(p.name));
  // The model cannot tell an act from its variants (cấp / cấp lại / cấp đổi read alike): each
  // procedure counts by the best cosine of its family, and the lexical variant rules decide
  // between them (measured on faq_dev and colloquial_dev: never below the lexical hit@1 so).
  const families = [...groupRows(catalogue.map((p) => familyName(p.name))).values()].filter(
    (rows) => rows.length > 1,
  );
  let index: VectorIndex | null = null;
  let building: Promise<void> | null = null;
  let warnedNotReady = false;
  let degraded = false;
  let pausedUntil = -Infinity;

  async function build(): Promise<void> {
    const texts: string[] = [];
    const owners: number[] = [];
    catalogue.forEach((p, row) => {
      for (const t of passageTexts(p)) {
        texts.push(t);
        owners.push(row);
      }
    });
    const keys = texts.map((t) => vectorKey(embeddings.signature, "passage", t));
    let known = new Map<string, Float32Array>();
    if (cacheFile) {
      try {
        known = await loadVectorCache(cacheFile);
      } catch (err) {
        logger?.warn({ err, cacheFile }, "stored catalogue vectors unusable: embedding again");
      }
    }
    const missing = new Map<string, string>();
    keys.forEach((k, i) => {
      if (!known.has(k)) missing.set(k, texts[i]!);
    });
    const todo = [...missing];
    const started = now();
    let failure: unknown;
    for (let i = 0; i < todo.length && failure === undefined; i += CHUNK) {
      const chunk = todo.slice(i, i + CHUNK);
      try {
        const vectors = await embeddings.embed(
          chunk.map(([, text]) => text),
          { kind: "passage" },
        );
        chunk.forEach(([key], j) => known.set(key, vectors[j]!));
      } catch (err) {
        failure = err;
        break;
      }
      const done = Math.min(todo.length, i + CHUNK);
      const perSecond = (done / Math.max(1, now() - started)) * 1000;
      logger?.info(
        {
          done,
          total: todo.length,
          perSecond: Math.round(perSecond),
          etaSeconds: Math.round((todo.length - done) / Math.max(perSecond, 1e-9)),
        },
        `embedding the catalogue: ${done}/${todo.length}`,
      );
    }
    const dims = known.get(keys.find((k) => known.has(k)) ?? "")?.length;
    const keep = new Map<string, Float32Array>();
    for (const k of keys) {
      const v = known.get(k);
      if (v && v.length === dims) keep.set(k, v);
    }
    if (cacheFile && (todo.length > 0 || keep.size !== known.size)) {
      await saveVectorCache(cacheFile, keep).catch((err: unknown) => {
        logger?.warn({ err, cacheFile }, "could not store the catalogue vectors");
      });
    }
    if (failure !== undefined) throw failure;
    if (keep.size !== new Set(keys).size) {
      throw new Error("catalogue vectors of unequal dimensions");
    }
    if (todo.length === 0) {
      // The model's first inference is slow (seconds on 2 cores): done now, not on a citizen's
      // question, which would time out and pause the hybrid side.
      await embeddings.embed([texts[0] ?? "."], { kind: "query" }).catch((err: unknown) => {
        logger?.warn({ err }, "embeddings warm-up failed");
      });
    }
    index = createVectorIndex(
      keys.map((k) => keep.get(k)!),
      owners,
    );
    logger?.info(
      { procedures: catalogue.length, vectors: keys.length, dims },
      "hybrid search ready",
    );
  }

  function ready(): Promise<void> {
    building ??= build().catch((err: unknown) => {
      building = null;
      throw err;
    });
    return building;
  }

  /** The question as the model reads it: its ask first, no question words, accents and synonyms. */
  function denseText(query: string): string {
    const asked = query.slice(0, MAX_QUERY_CHARS);
    const full = normalizeText(askFirst(asked));
    const words = tools.questionWords ? tools.questionWords.strip(full) : syllables(full);
    // An acronym typed in capitals ("GPLHX", "CHKSB") is spelled out as the catalogue's names
    // spell it: the model cannot know it, the lexical side reads both.
    const capitals = new Set(
      asked
        .split(/[^\p{L}\p{N}]+/u)
        .filter((t) => /^[A-ZĐ]{3,8}$/u.test(t))
        .map((t) => t.toLowerCase()),
    );
    const core = words
      .slice(0, DENSE_WORDS)
      .map((w) => (capitals.has(w) ? (tools.acronyms?.spell(w) ?? w) : w))
      .join(" ");
    const accented = hasAccents(core) || !tools.restorer ? core : tools.restorer.restore(core);
    // As the lexical side reads them: "mất" of "mất bao lâu" is no "lost" (cấp lại). A
    // one-syllable phrase read without accents ("cho" as chó, "phuong" as phường) is only a hint:
    // the lexical side weighs it, the model's text leaves it out (see docs/retrieval.md).
    const matched = (tools.synonyms?.match(words.join(" ")) ?? []).filter((m) => m.unambiguous);
    const means = [...new Set(matched.map((m) => m.means))];
    return means.length > 0 ? `${accented} (${means.join("; ")})` : accented;
  }

  /** The evidence of both sides, or only the lexical result when the model cannot be asked. */
  async function rank(query: string): Promise<Evidence | SearchResult> {
    const text = index && !CODE.test(query) && now() >= pausedUntil ? denseText(query) : "";
    // The question goes to the model first (one turn of the event loop lets the request reach the
    // socket), and the lexical side runs while the model computes.
    const vector = /[\p{L}\p{N}]/u.test(text) ? queryVector(text) : null;
    if (vector) {
      vector.catch(() => undefined); // handled below; not "unhandled" while the lexical side runs
      await new Promise((resolve) => setImmediate(resolve));
    }
    const lex = lexical.search(query, LEXICAL_POOL);
    if (!index || !vector) return lex;
    let cos: Float32Array;
    try {
      cos = index.similarities(await vector);
    } catch (err) {
      pausedUntil = now() + retryAfterMs;
      if (!degraded) {
        degraded = true;
        logger?.warn({ err }, "embeddings failed: lexical results only until they work again");
      }
      return lex;
    }
    if (degraded) {
      degraded = false;
      logger?.info({}, "embeddings work again: hybrid search resumed");
    }
    // The model's own ranking (candidates, and its say in the confidence); fused by family.
    const denseRows = topRows(cos, DENSE_POOL);
    const bestCos = cos[denseRows[0]!] ?? 0;
    const familyCos = byFamily(Float32Array.from(cos), families);
    const typed = syllables(query.slice(0, MAX_QUERY_CHARS));
    const adjust = tools.qualifiers?.forQuestion(typed);
    const candidates = new Map<number, number>();
    for (const h of lex.hits) candidates.set(byCode.get(h.code)!, h.score);
    for (const r of denseRows) if (!candidates.has(r)) candidates.set(r, adjust ? adjust(r) : 0);
    const fused: SearchHit[] = [...candidates]
      .map(([row, s]) => ({ row, score: s + weight * (familyCos[row]! - bestCos) }))
      .sort((a, b) => b.score - a.score || a.row - b.row)
      .map(({ row, score }) => ({ code: catalogue[row]!.code, score }));
    const baseOf = (code: string) => bases[byCode.get(code)!]!;
    const denseRankOf = (code: string) => {
      const base = baseOf(code);
      const at = denseRows.findIndex((r) => bases[r] === base);
      return at < 0 ? Infinity : at;
    };
    return {
      lexical: lex,
      fused,
      bestCosine: bestCos,
      denseRankOfFirst: fused[0] ? denseRankOf(fused[0].code) : Infinity,
      sameBase: (a: string, b: string) => baseOf(a) === baseOf(b),
      beyond: fused[0] ? wordsBeyond(typed, catalogue[byCode.get(fused[0].code)!]!.name) : 0,
    };
  }

  async function search(query: string, limit = 10): Promise<SearchResult> {
    const size = Math.max(1, Math.min(limit, LEXICAL_POOL));
    if (!index && !warnedNotReady) {
      warnedNotReady = true;
      logger?.warn({}, "hybrid search not ready yet: lexical results only");
    }
    const ranked = await rank(query);
    if (!("fused" in ranked))
      return { hits: ranked.hits.slice(0, size), confidence: ranked.confidence };
    return { hits: ranked.fused.slice(0, size), confidence: judgeHybrid(ranked) };
  }

  return {
    ready,
    search,
    isReady: () => index !== null && now() >= pausedUntil,
    explain: rank,
  };
}

/** Rows of the k highest scores, best first (ties: lower row first). One pass, no full sort. */
function topRows(scores: Float32Array, k: number): number[] {
  const top: number[] = [];
  for (let row = 0; row < scores.length; row++) {
    const s = scores[row]!;
    if (top.length === k && s <= scores[top[k - 1]!]!) continue;
    let at = top.length;
    while (at > 0 && s > scores[top[at - 1]!]!) at--;
    top.splice(at, 0, row);
    if (top.length > k) top.pop();
  }
  return top;
}

/** Row numbers by key. */
function groupRows(keys: readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  keys.forEach((key, row) => {
    const rows = groups.get(key);
    if (rows) rows.push(row);
    else groups.set(key, [row]);
  });
  return groups;
}

/** Each row's score raised to the best of its family (in place). */
function byFamily(scores: Float32Array, families: readonly number[][]): Float32Array {
  for (const rows of families) {
    let best = -Infinity;
    for (const r of rows) best = Math.max(best, scores[r]!);
    for (const r of rows) scores[r] = best;
  }
  return scores;
}
