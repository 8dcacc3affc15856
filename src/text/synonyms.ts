import { z } from "zod";
import { loadRuleFile } from "../rule-file.ts";
import { foldedSyllables } from "./tokenize.ts";

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
}

export interface SynonymExpander {
  /** The catalogue wording for every citizen phrase found in the text (accents optional). */
  expand(text: string): string[];
  /** The same, with the syllables each phrase covered. */
  match(text: string): SynonymMatch[];
}

/** Matches whole-syllable phrases on accent-folded text, so "so do" finds "sổ đỏ". */
export function createSynonymExpander(entries: readonly SynonymEntry[]): SynonymExpander {
  const phrases = new Map<string, Set<string>>();
  let longest = 1;
  for (const entry of entries) {
    for (const say of entry.say) {
      const key = foldedSyllables(say).join(" ");
      if (!key) continue;
      longest = Math.max(longest, key.split(" ").length);
      let set = phrases.get(key);
      if (!set) phrases.set(key, (set = new Set()));
      set.add(entry.means);
    }
  }
  function match(text: string): SynonymMatch[] {
    const tokens = foldedSyllables(text);
    const found: SynonymMatch[] = [];
    for (let i = 0; i < tokens.length; i++) {
      for (let n = 1; n <= longest && i + n <= tokens.length; n++) {
        const means = phrases.get(tokens.slice(i, i + n).join(" "));
        if (means) for (const m of means) found.push({ means: m, start: i, end: i + n });
      }
    }
    return found;
  }
  return {
    match,
    expand: (text) => [...new Set(match(text).map((m) => m.means))],
  };
}
