/** How sure retrieval is about the best procedure. */
export type Confidence = "sure" | "ambiguous" | "not_found";

export interface SearchHit {
  code: string;
  /** Higher is better; comparable only within one result. */
  score: number;
}

export interface SearchResult {
  /** Best first. */
  hits: SearchHit[];
  /** "sure": the first hit is clearly the one; "ambiguous": several are close; "not_found". */
  confidence: Confidence;
}

/** Retrieval over the catalogue. Lexical by default; a hybrid one may wrap it. */
export interface Retriever {
  search(query: string, limit?: number): SearchResult;
}

/** A retriever that must wait (for an embeddings API, say). */
export interface AsyncRetriever {
  search(query: string, limit?: number): Promise<SearchResult>;
}
