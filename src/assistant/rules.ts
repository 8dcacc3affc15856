/**
 * Editable rule files under prompts/ (intents.json, aspects.json): zod schemas and loaders.
 * Loading reads the file when called, never on import.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";

import { ASPECTS } from "./types.ts";

export const PROMPTS_DIR = fileURLToPath(new URL("../../prompts/", import.meta.url));

const phrases = z.array(z.string().trim().min(1)).default([]);

export const intentRulesSchema = z
  .object({
    $comment: z.unknown().optional(),
    greeting: z.strictObject({
      $comment: z.unknown().optional(),
      commands: phrases,
      hello: phrases,
      thanks: phrases,
      filler: phrases,
    }),
    handoff: z.strictObject({
      $comment: z.unknown().optional(),
      commands: phrases,
      phrases,
    }),
    feedback: z.strictObject({
      $comment: z.unknown().optional(),
      explicit: phrases,
      procedureQuestions: phrases,
      complaints: phrases,
      misconduct: z.strictObject({ who: phrases, what: phrases }),
      openers: phrases,
      verbs: phrases,
      askHow: phrases,
    }),
    outOfScope: z.strictObject({
      $comment: z.unknown().optional(),
      unless: phrases,
      topics: z.record(z.string(), phrases),
    }),
  })
  .strict();

export type IntentRules = z.infer<typeof intentRulesSchema>;

export const aspectRulesSchema = z
  .object({
    $comment: z.unknown().optional(),
    neutralize: phrases,
    aspects: z
      .array(
        z.strictObject({
          aspect: z.enum(ASPECTS),
          strong: phrases,
          weak: phrases,
        }),
      )
      .min(1),
  })
  .strict();

export type AspectRules = z.infer<typeof aspectRulesSchema>;

/** A rule file that is missing, not JSON, or not of the expected shape. */
export class RuleFileError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`Invalid rule file ${file}: ${detail}`);
    this.name = "RuleFileError";
  }
}

function loadJson<T>(file: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new RuleFileError(file, err instanceof Error ? err.message : String(err));
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new RuleFileError(file, z.prettifyError(parsed.error));
  return parsed.data;
}

export function loadIntentRules(file = `${PROMPTS_DIR}intents.json`): IntentRules {
  return loadJson(file, intentRulesSchema);
}

export function loadAspectRules(file = `${PROMPTS_DIR}aspects.json`): AspectRules {
  return loadJson(file, aspectRulesSchema);
}
