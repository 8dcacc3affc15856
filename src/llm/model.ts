/**
 * The chat model: LangChain's ChatOpenAICompletions on any OpenAI-compatible endpoint
 * (/v1/chat/completions: OpenAI, vLLM, Ollama, llama.cpp…), JSON mode, no retries (the
 * assistant's time budget is fixed; a failure falls back to the offline answer).
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { LlmConfig } from "../config.ts";

/** What the grounded assistant needs of a chat model; ChatOpenAI and fakes fit. */
export interface ChatModelLike {
  invoke(
    messages: BaseMessage[],
    options?: { signal?: AbortSignal },
  ): Promise<{ content: unknown }>;
}

/** Longest answer asked of the model, in tokens. */
export const MAX_ANSWER_TOKENS = 900;

/** OpenAI's reasoning models take no temperature. */
const REASONING_MODEL = /^(?:o\d|gpt-5(?!-chat))/;

/**
 * Creates the client; no request is sent until the first question. The LangChain/OpenAI client
 * is loaded then too, so a server without LLM settings never loads it (it costs tens of MB).
 */
export function createChatModel(config: LlmConfig): ChatModelLike {
  let client: Promise<ChatModelLike> | undefined;
  const load = async (): Promise<ChatModelLike> => {
    const { ChatOpenAICompletions } = await import("@langchain/openai");
    return new ChatOpenAICompletions({
      model: config.model,
      apiKey: config.apiKey,
      configuration: { baseURL: config.baseUrl },
      maxRetries: 0,
      timeout: config.timeoutMs,
      maxTokens: MAX_ANSWER_TOKENS,
      ...(REASONING_MODEL.test(config.model) ? {} : { temperature: 0 }),
      modelKwargs: { response_format: { type: "json_object" } },
    });
  };
  return {
    async invoke(messages, options) {
      client ??= load();
      return (await client).invoke(messages, options);
    },
  };
}
