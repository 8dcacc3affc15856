import { foldAccents } from "./normalize.ts";
import { createInterner } from "./intern.ts";
import { syllablesOfNormalized } from "./tokenize.ts";

export interface AcronymExpander {
  /** Phrases of the catalogue whose syllable initials spell an unknown word of the question. */
  expand(words: readonly string[]): string[];
}

const MIN_LETTERS = 3;
const MAX_LETTERS = 8;
const MAX_PHRASES = 2;

/**
 * Reads acronyms from the catalogue itself: a question word that is not a known syllable but
 * spells the initials of a run of 3–8 syllables in procedure names ("gplhx" → "giấy phép lưu
 * hành xe") is read as the most frequent such runs. Names are scanned when such a word comes
 * (rarely), so nothing but the names' syllables is kept.
 */
export function createAcronymExpander(
  /** Texts already passed through normalizeText (procedure names). */
  names: Iterable<string>,
): AcronymExpander {
  const { vocabulary, tokenized } = tokenize(names);
  return {
    expand(words) {
      const out: string[] = [];
      for (const word of words) {
        const w = foldAccents(word);
        if (w.length < MIN_LETTERS || w.length > MAX_LETTERS) continue;
        if (vocabulary.has(w) || !/^[a-z]+$/.test(w)) continue;
        const counts = new Map<string, number>();
        for (const { tokens, initials } of tokenized) {
          for (let at = initials.indexOf(w); at >= 0; at = initials.indexOf(w, at + 1)) {
            const phrase = tokens.slice(at, at + w.length).join(" ");
            counts.set(phrase, (counts.get(phrase) ?? 0) + 1);
          }
        }
        out.push(
          ...[...counts.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, MAX_PHRASES)
            .map(([p]) => p),
        );
      }
      return out;
    },
  };
}

/** The names' syllables (one copy of each) with their initials, and the folded vocabulary. */
function tokenize(names: Iterable<string>) {
  const intern = createInterner();
  const vocabulary = new Set<string>();
  const tokenized: Array<{ tokens: string[]; initials: string }> = [];
  for (const name of names) {
    const tokens = syllablesOfNormalized(name).map(intern);
    const folded = tokens.map(foldAccents);
    folded.forEach((t) => vocabulary.add(t));
    tokenized.push({ tokens, initials: folded.map((t) => t[0]).join("") });
  }
  return { vocabulary, tokenized };
}
