/**
 * "sure" from both signals. A hybrid answer is sure only when the lexical judgement is sure, the
 * fused ranking keeps the lexical first procedure (or a level copy of it), the model ranks that
 * procedure among its own first few, and no other procedure (a level copy does not count) comes
 * within the lead the question needs of it in the fused ranking. Otherwise the citizen is asked
 * back.
 */
import { scaledMargin } from "./confidence.ts";
import type { Confidence } from "./types.ts";
import type { SearchHit, SearchResult } from "./types.ts";

/** How far down the model's own ranking the answer may stand and still be sure. */
export const DENSE_AGREEMENT_RANK = 3;
/**
 * Lead the fused first procedure needs over the next one that is not a level copy of it, for a
 * question that says up to MARGIN_WORDS syllables beyond that procedure's name; one that says
 * more needs a lead in proportion (12 syllables beyond: 0.2), as the lexical margin does. Chosen
 * on faq_dev and colloquial_dev (docs/retrieval.md).
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
  /** Syllables of the question beyond the fused first procedure's name (wordsBeyond). */
  beyond: number;
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

/** The lead the question needs: FUSED_MARGIN, more when it says over MARGIN_WORDS beyond the name. */
export function neededLead(beyond: number): number {
  return scaledMargin(FUSED_MARGIN, beyond);
}

/** The fused first procedure leads every other procedure by the lead the question needs. */
function clearLead(first: SearchHit, e: Evidence): boolean {
  const rival = e.fused.find((h) => !e.sameBase(first.code, h.code));
  return rival === undefined || first.score - rival.score >= neededLead(e.beyond);
}
