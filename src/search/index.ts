export type { Retriever, SearchHit, SearchResult } from "./types.ts";
export { createLexicalRetriever, MAX_QUERY_CHARS, type LexicalOptions } from "./lexical.ts";
export { buildTextTools, type TextToolFiles } from "./text-tools.ts";
export { judgeConfidence } from "./confidence.ts";
