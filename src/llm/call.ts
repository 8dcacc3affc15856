/** One call of the chat model within a time budget; failures become LlmCallError. */
import type { BaseMessage } from "@langchain/core/messages";
import { LlmCallError } from "./errors.ts";
import type { ChatModelLike } from "./model.ts";
import { contentText } from "./output.ts";

function httpStatus(err: unknown): number | undefined {
  if (!err || typeof err !== "object") return undefined;
  const e = err as { status?: unknown; response?: { status?: unknown }; cause?: unknown };
  if (typeof e.status === "number") return e.status;
  if (typeof e.response?.status === "number") return e.response.status;
  return e.cause && e.cause !== err ? httpStatus(e.cause) : undefined;
}

function isParseError(err: unknown, depth = 0): boolean {
  if (err instanceof SyntaxError) return true;
  if (depth > 3 || !err || typeof err !== "object" || !("cause" in err)) return false;
  return isParseError(err.cause, depth + 1);
}

/**
 * The model's reply text. Aborts after `timeoutMs` (AbortSignal): a server that never answers
 * costs the budget, not more.
 */
export async function callModel(
  chat: ChatModelLike,
  messages: BaseMessage[],
  timeoutMs: number,
): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const reply = await chat.invoke(messages, { signal });
    return contentText(reply.content);
  } catch (err) {
    if (signal.aborted) throw new LlmCallError("timeout", undefined, { cause: err });
    const status = httpStatus(err);
    if (status !== undefined) throw new LlmCallError("http", status, { cause: err });
    if (isParseError(err)) throw new LlmCallError("bad_response", undefined, { cause: err });
    throw new LlmCallError("network", undefined, { cause: err });
  }
}
