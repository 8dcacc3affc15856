import type { Confidence } from "../assistant/types.ts";
import type { SearchHit } from "./types.ts";

/** Share of the question's distinctive words (IDF-weighted) found in the best procedure. */
export const NOT_FOUND_BELOW = 0.34;
/** Second score this close to the first (ratio) with different words → ask back. */
export const AMBIGUOUS_ABOVE = 0.93;

/**
 * "not_found" when the best hit covers too little of what was asked, "ambiguous" when the
 * runner-up scores almost as high, "sure" otherwise.
 */
export function judgeConfidence(
  hits: readonly SearchHit[],
  queryWords: ReadonlyMap<string, number>,
  wordsOf: (code: string) => Set<string>,
): Confidence {
  const first = hits[0];
  if (!first) return "not_found";
  let total = 0;
  let covered = 0;
  const words = wordsOf(first.code);
  for (const [w, idf] of queryWords) {
    total += idf;
    if (words.has(w)) covered += idf;
  }
  if (total === 0 || covered / total < NOT_FOUND_BELOW) return "not_found";
  const second = hits[1];
  if (second && second.score / first.score >= AMBIGUOUS_ABOVE) return "ambiguous";
  return "sure";
}
