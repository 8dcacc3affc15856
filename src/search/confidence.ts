import { foldAccents, syllables } from "../text/index.ts";
import type { Confidence } from "./types.ts";
import type { SearchHit } from "./types.ts";

/**
 * "Not found" when the best raw BM25 score is below this, or when the best procedure holds less
 * than NOT_FOUND_COVERAGE of the question's distinctive words (IDF-weighted). Calibrated on this
 * catalogue (2,849 procedures) with the development questions and 36 off-topic ones: 4 of 509
 * procedure questions fall below, 30 of 36 off-topic ones do (the assistant's topic rules catch
 * more). Recalibrate when the catalogue changes much in size.
 */
export const NOT_FOUND_SCORE = 30;
export const NOT_FOUND_COVERAGE = 0.05;
/**
 * Share of the question's distinctive words the first hit must hold for the floor to be scaled
 * down for a name said by a synonym ("làm hộ khẩu cho con", "visa hết hạn").
 */
export const SYNONYM_FLOOR_COVERAGE = 0.5;
/**
 * A runner-up (another procedure, not a level copy) within this much of the best score → ask
 * back. Scores are on the retriever's normalized scale (best BM25 = 1, plus the name coverage);
 * on the development questions, answers above this margin were right 70% of the time and
 * those below it 48%. A question that says more than MARGIN_WORDS syllables beyond the first
 * procedure's name needs a margin in proportion: its other words are shared by several
 * procedures, and the lead they give tells less (a name typed in full with "cần giấy tờ gì" does
 * not count as long).
 */
export const AMBIGUOUS_MARGIN = 0.06;
/** Syllables beyond the first procedure's name up to which the margins stay as they are. */
export const MARGIN_WORDS = 6;

/** A margin for a question saying `beyond` syllables more than the name: as given, then more. */
export function scaledMargin(margin: number, beyond: number): number {
  return margin * Math.max(1, beyond / MARGIN_WORDS);
}

/** How many syllables of the question the name does not hold (accents folded). */
export function wordsBeyond(question: readonly string[], name: string): number {
  const own = new Set(syllables(name).map(foldAccents));
  return question.filter((w) => !own.has(foldAccents(w))).length;
}

export function judgeConfidence(
  hits: readonly SearchHit[],
  /** The best raw BM25 score, before the rerank normalizes scores. */
  rawTop: number,
  queryWords: ReadonlyMap<string, number>,
  wordsOf: (code: string) => Set<string>,
  baseOf: (code: string) => string = (code) => code,
  /** Syllables of the question beyond the first hit's name (wordsBeyond). */
  beyond = 0,
  /**
   * floorScale: the weight at which the first hit's name was searched, when a synonym's wording
   * named it (a synonym weighs less than typed words, so its BM25 score is lower in proportion).
   */
  { floorScale = 1 }: { floorScale?: number } = {},
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
  const share = total === 0 ? 0 : covered / total;
  // The scaled floor only for a question the first hit mostly holds: a synonym in passing
  // ("cuoi" of "lich chieu phim cuoi tuan" read as cưới) does not make it a procedure question.
  const floor = share >= SYNONYM_FLOOR_COVERAGE ? NOT_FOUND_SCORE * floorScale : NOT_FOUND_SCORE;
  if (rawTop < floor || share < NOT_FOUND_COVERAGE) return "not_found";
  const firstBase = baseOf(first.code);
  const second = hits.slice(1).find((h) => baseOf(h.code) !== firstBase);
  const margin = scaledMargin(AMBIGUOUS_MARGIN, beyond);
  if (second && first.score - second.score < margin) return "ambiguous";
  return "sure";
}
