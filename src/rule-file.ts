/**
 * Data and rule files shipped as JSON (prompts/*.json, data/question-words.json, qualifiers,
 * synonyms, agencies, holidays, PAKN and reminder rules): read when asked, checked against a zod
 * schema. A file that is missing, not JSON, or not of the expected shape is a DataFileError.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { DataFileError, issueProblems } from "./errors.ts";

const nameOf = (file: string | URL): string => (file instanceof URL ? fileURLToPath(file) : file);

/** The file's JSON; a file that cannot be read or is not JSON is a DataFileError. */
export function readJsonFile(file: string | URL): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DataFileError(nameOf(file), [`cannot read or not JSON: ${reason}`], { cause: err });
  }
}

/** `value` checked against `schema`; every problem is listed in a DataFileError naming `file`. */
export function parseDataFile<T>(schema: z.ZodType<T>, value: unknown, file: string | URL): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new DataFileError(nameOf(file), issueProblems(parsed.error.issues));
  return parsed.data;
}

export function loadRuleFile<T>(file: string | URL, schema: z.ZodType<T>): T {
  return parseDataFile(schema, readJsonFile(file), file);
}
