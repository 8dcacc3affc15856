/** Why an LLM answer could not be used; the citizen gets the offline answer instead. */
import { MotcuaError } from "../errors.ts";

export type LlmCallFailure = "timeout" | "http" | "bad_response" | "network";

/**
 * The request to the model failed: no answer within the budget, an HTTP error, a body that is not
 * a chat completion, no connection.
 */
export class LlmCallError extends MotcuaError {
  readonly code = "llm_call_failed";
  constructor(
    readonly reason: LlmCallFailure,
    /** HTTP status when the server answered with an error. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(
      reason === "http"
        ? `LLM request failed with HTTP ${status}`
        : `LLM request failed: ${reason}`,
      options,
    );
  }
}

export type LlmOutputFailure = "not_json" | "bad_shape" | "empty";

/** The model answered, but not with the JSON object the answer prompt asks for. */
export class LlmOutputError extends MotcuaError {
  readonly code = "llm_output_invalid";
  constructor(
    readonly reason: LlmOutputFailure,
    detail: string,
  ) {
    super(`LLM output unusable (${reason}): ${detail}`);
  }
}
