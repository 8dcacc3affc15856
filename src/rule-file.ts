/**
 * Editable JSON rule files (prompts/intents.json, prompts/aspects.json, data/question-words.json,
 * data/qualifiers.json): read when asked, checked against a zod schema. A file that is missing,
 * not JSON, or not of the expected shape is a DataFileError.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { DataFileError, issueProblems } from "./errors.ts";

export function loadRuleFile<T>(file: string | URL, schema: z.ZodType<T>): T {
  const name = file instanceof URL ? fileURLToPath(file) : file;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DataFileError(name, [`cannot read or not JSON: ${reason}`], { cause: err });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new DataFileError(name, issueProblems(parsed.error.issues));
  return parsed.data;
}
