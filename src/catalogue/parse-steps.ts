import { normalizeText } from "../text/index.ts";
import { isEmptyCell } from "./cells.ts";

/** "Bước 1:", "+ Bước 2.", "b) Bước 3 -" at the start of a line. */
const STEP_AT_LINE_START = /(?:^|\n)[ \t]*(?:[-+*•]+\s*)?(?:[a-zđ]\)\s*)?Bước\s*\d+\s*[:.\-–)]?/giu;
/** "Bước 2:" anywhere, for steps written on one line ("Bước 1: … Bước 2: …"). */
const STEP_INLINE = /Bước\s*(\d+)\s*[:.]/giu;

function clean(parts: string[]): string[] {
  return parts
    .map((p) => p.replace(/\n+/gu, "\n").trim())
    .filter((p) => p !== "" && !isEmptyCell(p));
}

function splitAt(text: string, starts: number[]): string[] {
  const parts: string[] = [];
  if ((starts[0] ?? 0) > 0) parts.push(text.slice(0, starts[0]));
  starts.forEach((start, i) => parts.push(text.slice(start, starts[i + 1] ?? text.length)));
  return parts;
}

/**
 * Splits "Trình tự thực hiện" into steps: at "Bước N" when the text numbers its steps (a preamble
 * before "Bước 1" is kept as its own item), otherwise one item per non-empty line.
 */
export function parseSteps(raw: string): string[] {
  const text = normalizeText(raw);
  if (isEmptyCell(text)) return [];
  const lineStarts = [...text.matchAll(STEP_AT_LINE_START)].map(
    (m) => m.index + (m[0].startsWith("\n") ? 1 : 0),
  );
  if (lineStarts.length >= 2) return clean(splitAt(text, lineStarts));
  // Steps on one line: "Bước 1: … Bước 2: …", numbered in order.
  const inline: number[] = [];
  for (const m of text.matchAll(STEP_INLINE)) {
    if (Number(m[1]) === inline.length + 1) inline.push(m.index);
  }
  if (inline.length >= 2) return clean(splitAt(text, inline));
  return clean(text.split("\n"));
}
