export type { Retriever, SearchHit, SearchResult } from "./types.ts";
export {
  createLexicalRetriever,
  MAX_QUERY_CHARS,
  SEARCH_FIELDS,
  type LexicalOptions,
  type FieldSpec,
} from "./lexical.ts";
export { buildTextTools, type TextToolFiles } from "./text-tools.ts";
export { judgeConfidence } from "./confidence.ts";
export type { AsyncRetriever } from "./types.ts";
export {
  createEmbeddingsClient,
  EmbeddingsError,
  type EmbeddingsClient,
  type EmbeddingsClientOptions,
  type EmbeddingsErrorCause,
} from "./embeddings.ts";
export {
  createHybridRetriever,
  recordText,
  fuse,
  type HybridRetriever,
  type HybridRetrieverOptions,
  type HybridLogger,
} from "./hybrid.ts";
