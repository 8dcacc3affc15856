/**
 * The LLM prompts, from prompts/llm/: system.txt (the fixed rules, no placeholder), answer.txt
 * (records, retrieval confidence, aspect, the citizen's question between <cau_hoi> tags),
 * source.txt (the citation line added under an answer) and labels.json. Checked when loaded.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { z } from "zod";
import { PROMPTS_DIR } from "../assistant/index.ts";
import { renderTemplate } from "../assistant/index.ts";
import type { Aspect, Confidence } from "../assistant/index.ts";
import { DataFileError, issueProblems } from "../errors.ts";
import { maskPersonalData } from "../logger.ts";
import { normalizeText } from "../text/index.ts";
import type { PromptRecord } from "./records.ts";
import { ASPECTS } from "../assistant/index.ts";

export const DEFAULT_LLM_PROMPTS_DIR = join(PROMPTS_DIR, "llm");

const labelsSchema = z.object({
  $comment: z.unknown().optional(),
  confidence: z.object({ sure: z.string().min(1), ambiguous: z.string().min(1) }),
  aspect: z.object(Object.fromEntries(ASPECTS.map((a) => [a, z.string().min(1)]))),
  followUp: z.string().includes("{code}"),
});

export interface LlmPrompts {
  system: string;
  answer: string;
  source: string;
  labels: {
    confidence: Record<"sure" | "ambiguous", string>;
    aspect: Record<Aspect, string>;
    followUp: string;
  };
}

const PLACEHOLDERS: Record<"system" | "answer" | "source", readonly string[]> = {
  system: [],
  answer: ["records", "confidence", "aspect", "followUp", "question"],
  source: ["name", "code", "url"],
};
const REQUIRED: Record<"system" | "answer" | "source", readonly string[]> = {
  system: [],
  answer: ["records", "question"],
  source: ["code", "url"],
};

/** A prompt file that is missing, empty or has placeholders it may not is a DataFileError. */
function readChecked(dir: string, name: "system" | "answer" | "source"): string {
  const file = join(dir, `${name}.txt`);
  let text: string;
  try {
    text = readFileSync(file, "utf8").replace(/\s+$/, "");
  } catch (err) {
    throw new DataFileError(file, ["missing or unreadable"], { cause: err });
  }
  if (text.trim() === "") throw new DataFileError(file, ["empty"]);
  // The system prompt is shown as is: its JSON example has braces that are not placeholders.
  if (name === "system") return text;
  const used = [...text.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1] ?? "");
  const unknown = used.filter((p) => !PLACEHOLDERS[name].includes(p));
  const missing = REQUIRED[name].filter((p) => !used.includes(p));
  const problems = [
    ...unknown.map((p) => `unknown placeholder {${p}}`),
    ...missing.map((p) => `must use {${p}}`),
  ];
  if (problems.length) throw new DataFileError(file, problems);
  return text;
}

export function loadLlmPrompts(dir: string = DEFAULT_LLM_PROMPTS_DIR): LlmPrompts {
  const labelsFile = join(dir, "labels.json");
  let labels: unknown;
  try {
    labels = JSON.parse(readFileSync(labelsFile, "utf8"));
  } catch (err) {
    throw new DataFileError(labelsFile, ["missing or not JSON"], { cause: err });
  }
  const parsed = labelsSchema.safeParse(labels);
  if (!parsed.success) throw new DataFileError(labelsFile, issueProblems(parsed.error.issues));
  return {
    system: readChecked(dir, "system"),
    answer: readChecked(dir, "answer"),
    source: readChecked(dir, "source"),
    labels: parsed.data as LlmPrompts["labels"],
  };
}

/** Longest question put in a prompt (the offline assistant cuts at 2,000 too). */
export const MAX_PROMPT_QUESTION_CHARS = 2000;

/**
 * The citizen's text as it may enter a prompt: personal data masked, angle brackets replaced
 * so that it cannot close or open a delimiter tag, white space collapsed, cut to the limit.
 */
export function sanitizeQuestion(text: string): string {
  return maskPersonalData(normalizeText(text))
    .replace(/</g, "‹")
    .replace(/>/g, "›")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, MAX_PROMPT_QUESTION_CHARS);
}

export interface MessageInput {
  records: readonly PromptRecord[];
  question: string;
  aspect: Aspect;
  confidence: Exclude<Confidence, "not_found">;
  /** The procedure a follow-up question is about. */
  previousCode?: string;
}

/**
 * [system rules, user message]: the system message is system.txt verbatim; the records and the
 * sanitized question go in the user message, the question between <cau_hoi> tags.
 */
export function buildMessages(prompts: LlmPrompts, input: MessageInput): BaseMessage[] {
  const records = input.records.map((r) => JSON.stringify(r)).join("\n");
  const user = renderTemplate(prompts.answer, {
    // One pass: a "{…}" inside a record or the question is never expanded.
    records,
    confidence: prompts.labels.confidence[input.confidence],
    aspect: prompts.labels.aspect[input.aspect],
    followUp: input.previousCode
      ? prompts.labels.followUp.replace("{code}", input.previousCode)
      : "",
    question: sanitizeQuestion(input.question),
  });
  return [new SystemMessage(prompts.system), new HumanMessage(user)];
}

/** The citation lines under an answer, one block per cited procedure. */
export function renderSources(
  prompts: LlmPrompts,
  cited: readonly { name: string; code: string; url: string }[],
): string {
  return cited.map((p) => renderTemplate(prompts.source, p)).join("\n");
}
