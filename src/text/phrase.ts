/**
 * Phrases matched word by word against what the citizen typed. A typed word matches a phrase
 * word written the same, or, typed without accents, one that folds to it: "mat bao lau" is
 * "mất bao lâu", but an accented "mật" or "mát" the citizen typed is never read as "mất", and
 * "phí công bố" is not "phi công". Phrases are written with their accents ("phi" has none).
 */
import { foldAccents, hasAccents } from "./normalize.ts";
import { syllables } from "./tokenize.ts";

/** A phrase as syllables, accented and folded. */
export interface Phrase {
  words: string[];
  folded: string[];
}

export function toPhrase(text: string): Phrase {
  const words = syllables(text);
  return { words, folded: words.map(foldAccents) };
}

/** Whether typed word `t` (lower case, NFC) can be word `i` of `p`. */
function wordMatches(t: string, p: Phrase, i: number): boolean {
  if (t === p.words[i]) return true;
  return !hasAccents(t) && foldAccents(t) === p.folded[i];
}

/** Whether `p` stands in `typed` starting at `at`. */
export function phraseAt(typed: readonly string[], p: Phrase, at: number): boolean {
  if (p.words.length === 0 || at + p.words.length > typed.length) return false;
  for (let i = 0; i < p.words.length; i++) if (!wordMatches(typed[at + i]!, p, i)) return false;
  return true;
}

/** Each list's phrases by their first word, folded (built on a list's first use; lists are fixed). */
const byFirstWord = new WeakMap<readonly Phrase[], Map<string, Phrase[]>>();

function firstWordIndex(phrases: readonly Phrase[]): Map<string, Phrase[]> {
  let index = byFirstWord.get(phrases);
  if (!index) {
    index = new Map();
    for (const p of phrases) {
      const first = p.folded[0];
      if (first === undefined) continue;
      const list = index.get(first);
      if (list) list.push(p);
      else index.set(first, [p]);
    }
    byFirstWord.set(phrases, index);
  }
  return index;
}

/**
 * The first of `phrases`, in their order, that stands in `typed` at `at`. A typed word can only
 * begin a phrase whose first word folds as it does, so only those are tried (the qualifier lists
 * hold hundreds of country phrases: trying all of them at every word of a long question took
 * 3–8 ms, twice per question).
 */
export function phraseStartingAt(
  typed: readonly string[],
  phrases: readonly Phrase[],
  at: number,
): Phrase | undefined {
  const word = typed[at];
  if (word === undefined) return undefined;
  return firstWordIndex(phrases)
    .get(foldAccents(word))
    ?.find((p) => phraseAt(typed, p, at));
}

/** Whether any of `phrases` stands anywhere in `typed`. */
export function containsPhrase(typed: readonly string[], phrases: readonly Phrase[]): boolean {
  for (let at = 0; at < typed.length; at++) if (phraseStartingAt(typed, phrases, at)) return true;
  return false;
}
