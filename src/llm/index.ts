export {
  BREAKER_FAILURES,
  BREAKER_PAUSE_MS,
  DEFAULT_LLM_TIMEOUT_MS,
  DEFAULT_MAX_RECORDS,
  MAX_LLM_ANSWER_CHARS,
  clipAnswer,
  createGroundedAssistant,
  type GroundedAssistantOptions,
} from "./grounded-assistant.ts";
export { createChatModel, type ChatModelLike } from "./model.ts";
export { checkGrounding, type GroundingOptions, type GroundingResult } from "./grounding.ts";
export { LlmCallError, LlmOutputError } from "./errors.ts";
export { parseModelAnswer, type ModelAnswer } from "./output.ts";
export { buildMessages, loadLlmPrompts, sanitizeQuestion, type LlmPrompts } from "./prompts.ts";
export { toPromptRecord, type PromptRecord } from "./records.ts";
export { createOutcomeTally, formatOutcomeTally, type OutcomeTally } from "./outcomes.ts";
export type { AskContext, GroundedAssistant, LlmLogger, LlmOutcome } from "./types.ts";
