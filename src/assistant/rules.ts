/**
 * Editable rule files under prompts/ (intents.json, aspects.json): zod schemas and loaders.
 * Loading reads the file when called, never on import.
 */
import { fileURLToPath } from "node:url";
import { z } from "zod";

import { loadRuleFile } from "../rule-file.ts";
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

export function loadIntentRules(file = `${PROMPTS_DIR}intents.json`): IntentRules {
  return loadRuleFile(file, intentRulesSchema);
}

export function loadAspectRules(file = `${PROMPTS_DIR}aspects.json`): AspectRules {
  return loadRuleFile(file, aspectRulesSchema);
}
