export { normalizeText, foldAccents, hasAccents } from "./normalize.ts";
export { syllables, foldedSyllables, bigrams } from "./tokenize.ts";
export {
  loadSynonyms,
  createSynonymExpander,
  SynonymsFileError,
  DEFAULT_SYNONYMS_FILE,
  type SynonymEntry,
  type SynonymExpander,
} from "./synonyms.ts";
export { createAccentRestorer, type AccentRestorer } from "./accents.ts";
export { createAcronymExpander, type AcronymExpander } from "./acronyms.ts";
