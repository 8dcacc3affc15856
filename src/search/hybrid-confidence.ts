/**
 * "sure" from both signals. A hybrid answer is sure only when the lexical judgement is sure, the
 * fused ranking keeps the lexical first procedure (or a level copy of it), and the model ranks
 * that procedure among its own first few. Otherwise the citizen is asked back.
 */
import type { Confidence } from "./types.ts";
import type { SearchHit, SearchResult } from "./types.ts";

/** How far down the model's own ranking the answer may stand and still be sure. */
export const DENSE_AGREEMENT_RANK = 3;
/**
 * Cosine of the closest procedure above which a question the lexical side cannot place is
 * still offered choices (a paraphrase with no shared word), instead of "not found".
 */
export const DENSE_ONLY_COSINE = 0.88;

export interface Evidence {
  lexical: SearchResult;
  fused: SearchHit[];
  /** The cosine of the model's closest procedure. */
  bestCosine: number;
  /** Rank, in the model's own ranking, of the fused first procedure (or of a level copy). */
  denseRankOfFirst: number;
  /** Whether two codes are level copies of one procedure. */
  sameBase: (a: string, b: string) => boolean;
}

export function judgeHybrid(e: Evidence): Confidence {
  const first = e.fused[0];
  if (!first) return "not_found";
  if (e.lexical.confidence === "not_found") {
    return e.bestCosine >= DENSE_ONLY_COSINE ? "ambiguous" : "not_found";
  }
  const lexFirst = e.lexical.hits[0];
  const agree =
    lexFirst !== undefined &&
    e.sameBase(first.code, lexFirst.code) &&
    e.denseRankOfFirst < DENSE_AGREEMENT_RANK;
  return e.lexical.confidence === "sure" && agree ? "sure" : "ambiguous";
}
