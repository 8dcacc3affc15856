/**
 * The model's structured result: {answer, citedCodes, completeness}, read from JSON mode output.
 * Tolerates what real models do: a ```json fence, prose around the object, snake_case keys.
 */
import { z } from "zod";
import { LlmOutputError } from "./errors.ts";

export const COMPLETENESS = ["complete", "partial", "no_information"] as const;

export const modelAnswerSchema = z.object({
  answer: z.string().trim(),
  citedCodes: z.array(z.string().trim()).max(10),
  completeness: z.enum(COMPLETENESS),
});

export type ModelAnswer = z.infer<typeof modelAnswerSchema>;

const FENCE = /```(?:json)?\s*([\s\S]*?)```/i;

/** The JSON object in a model's text: inside a fence if any, else from the first { to the last }. */
function jsonText(content: string): string {
  const fenced = FENCE.exec(content)?.[1];
  const text = fenced ?? content;
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end <= start) throw new LlmOutputError("not_json", "no JSON object");
  return text.slice(start, end + 1);
}

/** The text of a LangChain message content (a string or a list of content blocks). */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((block: unknown) =>
        typeof block === "string"
          ? block
          : block && typeof block === "object" && "text" in block && typeof block.text === "string"
            ? block.text
            : "",
      )
      .join("");
  }
  return "";
}

/** Parses the model's reply; throws LlmOutputError naming what was wrong. */
export function parseModelAnswer(content: string): ModelAnswer {
  if (content.trim() === "") throw new LlmOutputError("empty", "empty reply");
  let json: unknown;
  try {
    json = JSON.parse(jsonText(content));
  } catch (err) {
    if (err instanceof LlmOutputError) throw err;
    throw new LlmOutputError("not_json", "invalid JSON");
  }
  if (json && typeof json === "object" && !Array.isArray(json)) {
    const o = json as Record<string, unknown>;
    json = { ...o, citedCodes: o.citedCodes ?? o.cited_codes ?? [] };
  }
  const parsed = modelAnswerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LlmOutputError(
      "bad_shape",
      `${issue?.path.join(".") || "object"}: ${issue?.message}`,
    );
  }
  if (parsed.data.completeness !== "no_information" && parsed.data.answer === "") {
    throw new LlmOutputError("empty", "empty answer");
  }
  return parsed.data;
}
