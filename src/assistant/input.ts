/** Cleaning of the citizen's raw message before intent detection and retrieval. */
import { normalizeText } from "../text/index.ts";

/** Longest question read (longer ones are cut and the citizen is told). */
export const MAX_QUESTION_CHARS = 2000;

export interface PreparedInput {
  /** The raw question, cut to the limit, for AskResult.question. */
  question: string;
  /** Normalized text (NFC, no control characters), cut to the limit. */
  text: string;
  truncated: boolean;
  /** False when there is nothing to read: empty, white space, emoji or punctuation only. */
  hasContent: boolean;
}

/** Cuts at max UTF-16 units without leaving half of a surrogate pair. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const head = s.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function asString(raw: unknown): string {
  if (typeof raw === "string") return raw;
  if (raw === null || raw === undefined) return "";
  try {
    return String(raw);
  } catch {
    return "";
  }
}

export function prepareInput(raw: unknown, max = MAX_QUESTION_CHARS): PreparedInput {
  const s = asString(raw);
  const normalized = normalizeText(s.replace(LONE_SURROGATE, "\uFFFD")).replace(/\s+/g, " ");
  const text = cut(normalized, max).trim();
  return {
    question: cut(s, max),
    text,
    truncated: normalized.length > max,
    hasContent: /[\p{L}\p{N}]/u.test(text),
  };
}
