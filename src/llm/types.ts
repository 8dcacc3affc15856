import type { Assistant } from "../assistant/index.ts";
import type { AskContext, AskResult } from "../assistant/index.ts";

export type { AskContext } from "../assistant/index.ts";

/** The offline Assistant interface, with the conversation context on `ask`. */
export interface GroundedAssistant extends Assistant {
  ask(question: string, context?: AskContext): Promise<AskResult>;
}

/** What happened to one question on the LLM path (for logs, metrics and `eval --llm`). */
export type LlmOutcome =
  /** Not for the model: greeting, PAKN, hand-off, not found, out of scope, breaker open. */
  | { kind: "skipped"; reason: "not_procedure" | "not_found" | "breaker_open" }
  /** The model's answer passed the grounding checks and was shown. */
  | { kind: "answered"; codes: string[]; ms: number }
  /** The model's answer failed the grounding checks: offline answer shown. */
  | { kind: "rejected"; reasons: string[]; ms: number }
  /** The model said the records do not answer the question: offline answer shown. */
  | { kind: "no_information"; ms: number }
  /** Timeout, HTTP error, unusable output: offline answer shown. */
  | { kind: "error"; reason: string; ms: number };

/** pino's Logger fits. */
export interface LlmLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}
