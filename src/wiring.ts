/** The assistant over the bundled catalogue: shared by main.ts and cli.ts. */
import path from "node:path";
import { createAssistant } from "./assistant/index.ts";
import { loadCatalogue, type Procedure } from "./catalogue/index.ts";
import type { EmbeddingsConfig, LlmConfig } from "./config.ts";
import type { GroundedAssistant, LlmOutcome } from "./llm/index.ts";
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
  /** Offline, or the grounded LLM path around it; `ask` takes `{ previousCode }` on follow-ups. */
  assistant: GroundedAssistant;
}

export interface AssistantSettings {
  catalogueFile?: string | undefined;
  /** With embeddings settings, retrieval is hybrid (lexical fused with dense); else lexical. */
  embeddings?: EmbeddingsConfig | null;
  /** Where the embeddings of the catalogue are cached (hybrid only). */
  dataDir?: string;
  /**
   * With LLM settings, answers go through the grounded LLM path (src/llm) around the offline
   * assistant; without them nothing is sent anywhere.
   */
  llm?: LlmConfig | null;
  /** What the LLM path did with each question (eval --llm counts them). */
  onLlmOutcome?: (outcome: LlmOutcome) => void;
  logger?: HybridLogger;
  onError?: (err: unknown) => void;
}

export async function buildAssistant(settings: AssistantSettings): Promise<AssistantParts> {
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
  const offline = createAssistant({
    catalogue,
    retriever,
    ...(settings.onError ? { onError: settings.onError } : {}),
  });
  if (!settings.llm) return { catalogue, retriever, assistant: offline };
  // Loaded only when configured: the LangChain client weighs tens of MB.
  const { createChatModel, createGroundedAssistant } = await import("./llm/index.ts");
  const assistant: GroundedAssistant = createGroundedAssistant({
    offline,
    catalogue,
    chat: createChatModel(settings.llm),
    timeoutMs: settings.llm.timeoutMs,
    ...(settings.logger ? { logger: settings.logger } : {}),
    ...(settings.onLlmOutcome ? { onOutcome: settings.onLlmOutcome } : {}),
  });
  return { catalogue, retriever, assistant };
}
