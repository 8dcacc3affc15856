/**
 * "sure" from both signals. A hybrid answer is sure only when the lexical judgement is sure, the
 * fused ranking keeps the lexical first procedure (or a level copy of it), the model ranks that
 * procedure among its own first few, and no other procedure (a level copy does not count) comes
 * within FUSED_MARGIN of it in the fused ranking. Otherwise the citizen is asked back.
 */
import type { Confidence } from "./types.ts";
import type { SearchHit, SearchResult } from "./types.ts";

/** How far down the model's own ranking the answer may stand and still be sure. */
export const DENSE_AGREEMENT_RANK = 3;
/**
 * Lead the fused first procedure needs over the next one that is not a level copy of it. Chosen
 * on faq_dev and colloquial_dev (docs/retrieval.md): 0.1 halves the chat questions answered sure
 * but wrong (5.0 % → 2.5 %) and cuts the FAQ ones from 16.7 % to 14.1 %, while 67.5 % of the chat
 * questions stay sure; 0.15 would reach 9.8 % on the FAQ but leave only 55 % of chat sure.
 */
export const FUSED_MARGIN = 0.1;
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
  return e.lexical.confidence === "sure" && agree && clearLead(first, e) ? "sure" : "ambiguous";
}

/** The fused first procedure leads every other procedure by FUSED_MARGIN or more. */
function clearLead(first: SearchHit, e: Evidence): boolean {
  const rival = e.fused.find((h) => !e.sameBase(first.code, h.code));
  return rival === undefined || first.score - rival.score >= FUSED_MARGIN;
}
