import { readFileSync } from "node:fs";
import { normalizeText } from "./normalize.ts";

export const DEFAULT_PHRASES_FILE = new URL("../../data/question-phrases.txt", import.meta.url);

/** Everyday question phrases (one a line, # comments) that teach the accent model chat wording. */
export function loadQuestionPhrases(file: string | URL = DEFAULT_PHRASES_FILE): string[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .map((l) => normalizeText(l))
    .filter((l) => l && !l.startsWith("#"));
}
