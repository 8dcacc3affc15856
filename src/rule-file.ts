/**
 * Editable JSON rule files (prompts/intents.json, prompts/aspects.json, data/question-words.json,
 * data/qualifiers.json): read when asked, checked against a zod schema.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** A rule file that is missing, not JSON, or not of the expected shape. */
export class RuleFileError extends Error {
  readonly code = "rule_file_invalid";
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`Invalid rule file ${file}: ${detail}`);
    this.name = "RuleFileError";
  }
}

export function loadRuleFile<T>(file: string | URL, schema: z.ZodType<T>): T {
  const name = file instanceof URL ? fileURLToPath(file) : file;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new RuleFileError(name, err instanceof Error ? err.message : String(err));
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new RuleFileError(name, z.prettifyError(parsed.error));
  return parsed.data;
}
