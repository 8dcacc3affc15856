/** The assistant over the bundled catalogue: shared by main.ts and cli.ts. */
import path from "node:path";
import { createAssistant, type Assistant } from "./assistant/index.ts";
import { loadCatalogue, type Procedure } from "./catalogue/index.ts";
import type { EmbeddingsConfig } from "./config.ts";
import {
  createEmbeddingsClient,
  createHybridRetriever,
  createLexicalRetriever,
  type AsyncRetriever,
  type HybridLogger,
  type Retriever,
} from "./search/index.ts";

export interface AssistantParts {
  catalogue: Procedure[];
  retriever: Retriever | AsyncRetriever;
  assistant: Assistant;
}

export interface AssistantSettings {
  catalogueFile?: string | undefined;
  /** With embeddings settings, retrieval is hybrid (lexical fused with dense); else lexical. */
  embeddings?: EmbeddingsConfig | null;
  /** Where the embeddings of the catalogue are cached (hybrid only). */
  dataDir?: string;
  logger?: HybridLogger;
  onError?: (err: unknown) => void;
}

export function buildAssistant(settings: AssistantSettings): AssistantParts {
  const catalogue = loadCatalogue(settings.catalogueFile);
  const lexical = createLexicalRetriever(catalogue);
  let retriever: Retriever | AsyncRetriever = lexical;
  if (settings.embeddings) {
    const hybrid = createHybridRetriever({
      catalogue,
      lexical,
      embeddings: createEmbeddingsClient(settings.embeddings),
      ...(settings.dataDir
        ? { cacheFile: path.join(settings.dataDir, "embeddings-cache.json") }
        : {}),
      ...(settings.logger ? { logger: settings.logger } : {}),
    });
    // Not awaited: lexical answers are served while the catalogue is being embedded.
    hybrid.ready().catch((err: unknown) => settings.onError?.(err));
    retriever = hybrid;
  }
  const assistant = createAssistant({
    catalogue,
    retriever,
    ...(settings.onError ? { onError: settings.onError } : {}),
  });
  return { catalogue, retriever, assistant };
}
