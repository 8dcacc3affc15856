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
  EmbeddingsError,
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
  /** How the assistant splits words typed without their spaces (the text tools' model). */
  respace: (text: string) => string;
  /** Offline, or the grounded LLM path around it; `ask` takes `{ previousCode }` on follow-ups. */
  assistant: GroundedAssistant;
  health(): RetrievalHealth;
  /**
   * Starts the bundled model (if any) and the catalogue's embedding; building starts nothing.
   * Never rejects: a model that cannot start leaves retrieval lexical (onError is told).
   * With `waitForVectors`, resolves once the vectors are ready.
   */
  start(): Promise<void>;
  /** Stops the bundled model's process, if one was started. */
  stop(): Promise<void>;
  /** Process id of the bundled model while it runs (the bench reads its memory); else undefined. */
  embeddingsPid(): number | undefined;
}

export interface AssistantOptions {
  catalogueFile?: string | undefined;
  /** With embeddings settings, retrieval is hybrid (lexical fused with dense); else lexical. */
  embeddings?: EmbeddingsConfig | null;
  /**
   * The bundled model's server (findLocalModel()): started as a supervised child process
   * when no `embeddings` endpoint is given. Null or absent: none.
   */
  localModel?: string | null;
  /** Resolve only when the catalogue vectors are ready (CLI); the server answers lexically meanwhile. */
  waitForVectors?: boolean;
  /** Where the vectors of the catalogue are stored (hybrid only). */
  dataDir?: string;
  /** Question vectors the hybrid retriever keeps (its default when absent); the bench sets 0. */
  queryCacheSize?: number;
  /** Time limit of a question's embedding (the hybrid retriever's default when absent). */
  queryTimeoutMs?: number;
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

export async function buildAssistant(settings: AssistantOptions): Promise<AssistantParts> {
  const catalogue = loadCatalogue(settings.catalogueFile);
  const tools = buildTextTools(catalogue);
  const lexical = createLexicalRetriever(catalogue, tools);
  const respace = tools.restorer.respace;
  let retriever: Retriever | AsyncRetriever = lexical;
  let health = (): RetrievalHealth => ({ retrieval: "lexical", embeddings: null });
  let stop = async (): Promise<void> => undefined;
  let embeddingsPid = (): number | undefined => undefined;
  /** Starts the bundled model, if any; resolves with whether embeddings can be asked. */
  let startModel = async (): Promise<boolean> => true;
  /** The bundled model could not start: retrieval is lexical for good, as without a model. */
  let modelFailed = false;
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
    // Its port is known once it runs: until then every call fails fast and search stays lexical.
    let local: EmbeddingsClient | null = null;
    const localClient = (baseUrl: string) =>
      createEmbeddingsClient({
        baseUrl,
        apiKey: "",
        model: LOCAL_MODEL,
        inputType: true,
        base64: true,
      });
    const shape = localClient("http://127.0.0.1");
    client = {
      model: shape.model,
      signature: shape.signature,
      embed: (texts, options) =>
        local
          ? local.embed(texts, options)
          : Promise.reject(new EmbeddingsError("the bundled model is not started", "network")),
    };
    startModel = async () => {
      try {
        const baseUrl = await server.start();
        settings.logger?.info({ baseUrl, model: LOCAL_MODEL }, "bundled embeddings model started");
        local = localClient(baseUrl);
        return true;
      } catch (err) {
        await server.stop();
        modelFailed = true;
        settings.onError?.(err);
        settings.logger?.info({}, LEXICAL_ONLY_HINT);
        return false;
      }
    };
  }
  let start = async (): Promise<void> => undefined;
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
      ...(settings.queryTimeoutMs !== undefined ? { queryTimeoutMs: settings.queryTimeoutMs } : {}),
    });
    start = async () => {
      if (!(await startModel())) return;
      const vectors = hybrid.ready();
      if (settings.waitForVectors) {
        await vectors.catch((err: unknown) => settings.onError?.(err));
      } else {
        // Not awaited: lexical answers are served while the catalogue is being embedded.
        vectors.catch((err: unknown) => settings.onError?.(err));
      }
    };
    const model = client.model;
    health = () => {
      if (modelFailed) return { retrieval: "lexical", embeddings: null };
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
    respace,
    ...(settings.onError ? { onError: settings.onError } : {}),
  });
  if (!settings.llm) {
    return {
      catalogue,
      retriever,
      assistant: offline,
      lexical,
      respace,
      health,
      start,
      stop,
      embeddingsPid,
    };
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
  return {
    catalogue,
    retriever,
    lexical,
    respace,
    assistant,
    health,
    start,
    stop,
    embeddingsPid,
  };
}
