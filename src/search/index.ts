export type { Confidence, Retriever, SearchHit, SearchResult } from "./types.ts";
export {
  createLexicalRetriever,
  MAX_QUERY_CHARS,
  SEARCH_FIELDS,
  type LexicalOptions,
  type FieldSpec,
} from "./lexical.ts";
export { buildTextTools, type TextToolFiles } from "./text-tools.ts";
export { judgeConfidence, MARGIN_WORDS, scaledMargin, wordsBeyond } from "./confidence.ts";
export type { AsyncRetriever } from "./types.ts";
export {
  createEmbeddingsClient,
  EmbeddingsError,
  type EmbeddingKind,
  type EmbeddingsClient,
  type EmbeddingsClientOptions,
  type EmbeddingsErrorCause,
} from "./embeddings.ts";
export {
  createHybridRetriever,
  passageTexts,
  type HybridRetriever,
  type HybridRetrieverOptions,
  type HybridLogger,
} from "./hybrid.ts";
export { judgeHybrid, neededLead, type Evidence } from "./hybrid-confidence.ts";
export {
  createLocalServer,
  findLocalModel,
  freePort,
  LOCAL_MODEL,
  LocalModelError,
  type LocalServer,
  type LocalServerOptions,
} from "./local-server.ts";
export { VectorFileError, loadVectorCache, saveVectorCache, vectorKey } from "./vector-store.ts";
export { askFirst, createQuestionWords, loadQuestionWords, type QuestionWords } from "./query.ts";
export {
  ageAsked,
  ageRangeOf,
  createQualifiers,
  loadQualifierRules,
  type Qualifiers,
} from "./qualifiers.ts";
