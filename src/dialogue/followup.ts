/**
 * Aspect-only follow-ups: after an answer about one procedure, "thế phí bao nhiêu?" or "cần giấy
 * tờ gì" asks about that procedure. A message is one when every word in it is a word of an
 * aspect phrase (prompts/aspects.json) or a filler word (prompts/dialogue/followup.json); any
 * other word (a procedure name, a place) makes it a new question for retrieval.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { loadAspectRules, type AspectRules } from "../assistant/index.ts";
import { foldAccents, normalizeText } from "../text/index.ts";
import { DIALOGUE_PROMPTS_DIR } from "./templates.ts";

export interface FollowUpDetector {
  /** True when the text holds nothing but aspect words and filler words (and at least one word). */
  isAspectOnly(text: string): boolean;
}

const fileSchema = z.object({ $comment: z.unknown().optional(), filler: z.array(z.string()) });

/** Folded words: lower case, no accents, đ→d, punctuation dropped. */
export function foldedWords(text: string): string[] {
  return foldAccents(normalizeText(text))
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter((w) => w.length > 0);
}

export function createFollowUpDetector(
  aspects: AspectRules,
  filler: readonly string[],
): FollowUpDetector {
  const vocabulary = new Set<string>();
  const add = (phrase: string) => foldedWords(phrase).forEach((w) => vocabulary.add(w));
  for (const a of aspects.aspects) [...a.strong, ...a.weak].forEach(add);
  filler.forEach(add);
  return {
    isAspectOnly(text) {
      const words = foldedWords(text);
      // Long messages are new questions, whatever their words.
      if (words.length === 0 || words.length > 12) return false;
      return words.every((w) => vocabulary.has(w));
    },
  };
}

/** From prompts/aspects.json and prompts/dialogue/followup.json. */
export function loadFollowUpDetector(
  file: string = join(DIALOGUE_PROMPTS_DIR, "followup.json"),
): FollowUpDetector {
  const parsed = fileSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  return createFollowUpDetector(loadAspectRules(), parsed.filler);
}
