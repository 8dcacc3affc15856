import { foldAccents } from "./normalize.ts";
import { createInterner } from "./intern.ts";
import { syllablesOfNormalized } from "./tokenize.ts";

export interface AcronymExpander {
  /**
   * What an unknown word of the question spells, read from the catalogue's names, or null: the
   * only run of name syllables whose initials spell it, else the most frequent run that is a
   * phrase of its own, neither always preceded by the same syllable nor always followed by one
   * ("tthc" is "thủ tục hành chính", not "tục thực hiện chế" of "thủ tục thực hiện chế độ").
   * A run found once inside a name is bound both ways, so two such runs are no reading ("tbkt":
   * "tàu biển không thời" of "… không thời hạn", "tiến bộ kỹ thuật" of "Công nhận …").
   */
  spell(word: string): string | null;
}

const MIN_LETTERS = 3;
const MAX_LETTERS = 8;

/**
 * Reads acronyms from the catalogue itself: a question word that is not a known syllable but
 * spells the initials of a run of 3–8 syllables in procedure names ("gplhx" → "giấy phép lưu
 * hành xe") is read as that run (see spell). Names are scanned when such a word comes (rarely),
 * so nothing but the names' syllables is kept.
 */
export function createAcronymExpander(
  /** Texts already passed through normalizeText (procedure names). */
  names: Iterable<string>,
): AcronymExpander {
  const { vocabulary, tokenized } = tokenize(names);

  /** The runs of names spelling `word`, most frequent first, with their neighbours. */
  function runs(word: string): Run[] {
    const w = foldAccents(word);
    if (w.length < MIN_LETTERS || w.length > MAX_LETTERS) return [];
    if (vocabulary.has(w) || !/^[a-z]+$/.test(w)) return [];
    const found = new Map<string, Run>();
    for (const { tokens, initials } of tokenized) {
      for (let at = initials.indexOf(w); at >= 0; at = initials.indexOf(w, at + 1)) {
        const phrase = tokens.slice(at, at + w.length).join(" ");
        let run = found.get(phrase);
        if (!run)
          found.set(phrase, (run = { phrase, count: 0, before: new Map(), after: new Map() }));
        run.count++;
        const before = tokens[at - 1];
        const after = tokens[at + w.length];
        if (before) run.before.set(before, (run.before.get(before) ?? 0) + 1);
        if (after) run.after.set(after, (run.after.get(after) ?? 0) + 1);
      }
    }
    return [...found.values()].sort((a, b) => b.count - a.count);
  }

  return {
    spell(word) {
      const found = runs(word);
      if (found.length === 1) return found[0]!.phrase;
      const bound = (m: Map<string, number>, count: number) =>
        [...m.values()].some((n) => n === count);
      const free = found.find((r) => !bound(r.before, r.count) && !bound(r.after, r.count));
      return free?.phrase ?? null;
    },
  };
}

interface Run {
  phrase: string;
  count: number;
  /** How often each syllable comes before it, and after it (a name's start or end: none). */
  before: Map<string, number>;
  after: Map<string, number>;
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
