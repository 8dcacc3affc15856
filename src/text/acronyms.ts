import { foldAccents } from "./normalize.ts";
import { syllablesOfNormalized } from "./tokenize.ts";

export interface AcronymExpander {
  /** Phrases of the catalogue whose syllable initials spell an unknown word of the question. */
  expand(words: readonly string[]): string[];
}

const MIN_LETTERS = 3;
const MAX_LETTERS = 8;
const MAX_PHRASES = 2;

/**
 * Learns acronyms from the catalogue itself: every run of 3–8 syllables in a procedure name
 * gives its initials ("giấy phép lưu hành xe" → "gplhx"). A question word that is not a known
 * syllable but spells such initials is read as the most frequent phrases that produce it.
 */
export function createAcronymExpander(
  /** Texts already passed through normalizeText (procedure names). */
  names: Iterable<string>,
): AcronymExpander {
  const phrases = new Map<string, Map<string, number>>();
  const vocabulary = new Set<string>();
  for (const name of names) {
    const toks = syllablesOfNormalized(name);
    const folded = toks.map(foldAccents);
    folded.forEach((t) => vocabulary.add(t));
    for (let i = 0; i < toks.length; i++) {
      let initials = "";
      for (let n = 1; n <= MAX_LETTERS && i + n <= toks.length; n++) {
        const head = folded[i + n - 1]![0];
        if (!head || !/[a-z]/.test(head)) break;
        initials += head;
        if (n < MIN_LETTERS) continue;
        let byPhrase = phrases.get(initials);
        if (!byPhrase) phrases.set(initials, (byPhrase = new Map()));
        const phrase = toks.slice(i, i + n).join(" ");
        byPhrase.set(phrase, (byPhrase.get(phrase) ?? 0) + 1);
      }
    }
  }
  return {
    expand(words) {
      const out: string[] = [];
      for (const word of words) {
        const w = foldAccents(word);
        if (w.length < MIN_LETTERS || vocabulary.has(w) || !/^[a-z]+$/.test(w)) continue;
        const byPhrase = phrases.get(w);
        if (!byPhrase) continue;
        out.push(
          ...[...byPhrase.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, MAX_PHRASES)
            .map(([p]) => p),
        );
      }
      return out;
    },
  };
}
