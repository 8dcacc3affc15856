export { normalizeText, foldAccents, hasAccents, folded, visibleText } from "./normalize.ts";
export { createInterner } from "./intern.ts";
export { syllables, syllablesOfNormalized, foldedSyllables, bigrams } from "./tokenize.ts";
export {
  loadSynonyms,
  createSynonymExpander,
  DEFAULT_SYNONYMS_FILE,
  type SynonymEntry,
  type SynonymExpander,
} from "./synonyms.ts";
export { createAccentRestorer, type AccentRestorer, type WeightedText } from "./accents.ts";
export { createAcronymExpander, type AcronymExpander } from "./acronyms.ts";
export { loadQuestionPhrases, DEFAULT_PHRASES_FILE } from "./phrases.ts";
export { toPhrase, phraseAt, phraseStartingAt, containsPhrase, type Phrase } from "./phrase.ts";
