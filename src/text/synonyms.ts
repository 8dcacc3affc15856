import { z } from "zod";
import { loadRuleFile } from "../rule-file.ts";
import { foldAccents, hasAccents } from "./normalize.ts";
import { syllables } from "./tokenize.ts";

const synonymsFileSchema = z.object({
  about: z.string().optional(),
  entries: z
    .array(z.object({ say: z.array(z.string().min(1)).min(1), means: z.string().min(1) }))
    .min(1),
});

export type SynonymEntry = z.infer<typeof synonymsFileSchema>["entries"][number];

export const DEFAULT_SYNONYMS_FILE = new URL("../../data/synonyms.json", import.meta.url);

/** Reads and checks the synonyms file; a missing or malformed one is a DataFileError. */
export function loadSynonyms(file: string | URL = DEFAULT_SYNONYMS_FILE): SynonymEntry[] {
  return loadRuleFile(file, synonymsFileSchema).entries;
}

export interface SynonymMatch {
  /** The catalogue wording. */
  means: string;
  /** Which syllables of the text (folded, in order) the citizen phrase covered: [start, end). */
  start: number;
  end: number;
  /**
   * False for a one-syllable phrase with accents found in a question typed without them ("cho"
   * may be "chó" or "cho", "cuoi" "cưới" or "cuối"): a hint, not evidence.
   */
  unambiguous: boolean;
}

export interface SynonymExpander {
  /** The catalogue wording for every citizen phrase found in the text (accents: see below). */
  expand(text: string): string[];
  /** The same, with the syllables each phrase covered. */
  match(text: string): SynonymMatch[];
}

/**
 * Matches whole-syllable phrases, so "so do" finds "sổ đỏ". A question typed without accents is
 * read accent-folded; in one typed with accents, a word is read as written: "cho con" and "chợ"
 * are not "chó" (pets' quarantine), "ga" is not "gà", "vật" is not "vat" (VAT).
 */
export function createSynonymExpander(entries: readonly SynonymEntry[]): SynonymExpander {
  /** By the phrase's folded syllables: its words as written, and what they mean. */
  const phrases = new Map<string, { words: string[]; means: string }[]>();
  let longest = 1;
  for (const entry of entries) {
    for (const say of entry.say) {
      const words = syllables(say);
      const key = words.map(foldAccents).join(" ");
      if (!key) continue;
      longest = Math.max(longest, words.length);
      let list = phrases.get(key);
      if (!list) phrases.set(key, (list = []));
      list.push({ words, means: entry.means });
    }
  }
  function match(text: string): SynonymMatch[] {
    const typed = syllables(text);
    const folded = typed.map(foldAccents);
    const accented = typed.some(hasAccents);
    /** Whether the phrase word `w` stands where the citizen typed `t` (their folds are equal). */
    const fits = (w: string, t: string) => !accented || w === t;
    const found: SynonymMatch[] = [];
    for (let i = 0; i < typed.length; i++) {
      for (let n = 1; n <= longest && i + n <= typed.length; n++) {
        const candidates = phrases.get(folded.slice(i, i + n).join(" "));
        if (!candidates) continue;
        const means = new Map<string, boolean>();
        for (const p of candidates) {
          if (!p.words.every((w, k) => fits(w, typed[i + k]!))) continue;
          const unambiguous = accented || n > 1 || !hasAccents(p.words[0]!);
          means.set(p.means, (means.get(p.means) ?? false) || unambiguous);
        }
        for (const [m, unambiguous] of means) {
          found.push({ means: m, start: i, end: i + n, unambiguous });
        }
      }
    }
    return found;
  }
  return {
    match,
    expand: (text) => [...new Set(match(text).map((m) => m.means))],
  };
}
