/**
 * Phrase matching on folded text: lower case, no accents, đ→d, punctuation turned into spaces.
 * Phrases come from the editable rule files under prompts/; staff write them with or without
 * accents. "…" or "..." inside a phrase stands for a gap of up to GAP_WORDS words.
 */
import { foldAccents, normalizeText } from "../text/normalize.ts";

const GAP_WORDS = 4;
const GAP = /\s*(?:…|\.\.\.)\s*/;

/** Folded, space-separated tokens of letters, digits and "/" (for commands such as /hotro). */
export function toMatchable(text: string): string {
  return foldAccents(normalizeText(text))
    .replace(/[^a-z0-9/]+/g, " ")
    .trim();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Compiles one phrase to a regular expression over `toMatchable` text, on word boundaries. */
export function compilePhrase(phrase: string): RegExp | null {
  const parts = phrase
    .split(GAP)
    .map((p) => toMatchable(p))
    .filter((p) => p.length > 0);
  if (parts.length === 0) return null;
  const gap = `(?: [a-z0-9/]+){0,${GAP_WORDS}} `;
  const body = parts.map((p) => p.split(" ").map(escapeRegExp).join(" ")).join(gap);
  return new RegExp(`(?:^| )${body}(?= |$)`);
}

export interface PhraseSet {
  /** The phrases as written, in file order. */
  readonly phrases: readonly string[];
  /** The first phrase found in already-matchable text, or null. */
  find(matchable: string): string | null;
  test(matchable: string): boolean;
}

export function compilePhraseSet(phrases: readonly string[]): PhraseSet {
  const compiled: { phrase: string; re: RegExp }[] = [];
  for (const phrase of phrases) {
    const re = compilePhrase(phrase);
    if (re) compiled.push({ phrase, re });
  }
  const find = (matchable: string): string | null =>
    compiled.find(({ re }) => re.test(matchable))?.phrase ?? null;
  return { phrases, find, test: (m) => find(m) !== null };
}

/** A function removing every occurrence of the phrases (to strip greetings, filler words…). */
export function compileRemover(phrases: readonly string[]): (matchable: string) => string {
  const res = phrases
    .map((p) => toMatchable(p))
    .filter((p) => p.length > 0)
    .sort((a, b) => b.length - a.length)
    .map((p) => new RegExp(` ${p.split(" ").map(escapeRegExp).join(" ")}(?= )`, "g"));
  return (matchable) => {
    let out = ` ${matchable} `;
    for (const re of res) out = out.replace(re, " ");
    return out.replace(/ +/g, " ").trim();
  };
}
