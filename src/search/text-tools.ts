import type { Procedure } from "../catalogue/index.ts";
import {
  createAccentRestorer,
  createAcronymExpander,
  createSynonymExpander,
  loadQuestionPhrases,
  loadSynonyms,
  type WeightedText,
} from "../text/index.ts";
import type { LexicalOptions } from "./lexical.ts";
import { loadQuestionWords } from "./query.ts";
import { createQualifiers } from "./qualifiers.ts";

/** How much one everyday phrase counts against one catalogue text when accents are learned. */
const PHRASE_WEIGHT = 50;

export interface TextToolFiles {
  synonymsFile?: string | URL;
  phrasesFile?: string | URL;
}

/** Synonyms from data/, and the accent model and acronyms learned from this catalogue. */
export function buildTextTools(
  catalogue: readonly Procedure[],
  files: TextToolFiles = {},
): Required<LexicalOptions> {
  const corpus: WeightedText[] = [];
  for (const p of catalogue) {
    for (const text of [
      p.name,
      p.field,
      p.result,
      p.conditions,
      ...p.documents.map((d) => d.name),
    ]) {
      if (text) corpus.push({ text, weight: 1 });
    }
  }
  for (const text of loadQuestionPhrases(files.phrasesFile))
    corpus.push({ text, weight: PHRASE_WEIGHT });
  return {
    synonyms: createSynonymExpander(loadSynonyms(files.synonymsFile)),
    restorer: createAccentRestorer(corpus),
    acronyms: createAcronymExpander(catalogue.map((p) => p.name)),
    questionWords: loadQuestionWords(),
    qualifiers: createQualifiers(catalogue),
  };
}
