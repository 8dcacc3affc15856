import { normalizeText } from "../text/index.ts";

/** The portal's placeholder for an empty cell. */
export const NO_INFO = "Không có thông tin";

/** Normalized text, or "" for the portal's empty-cell placeholders. */
export function cleanCell(input: string | undefined | null): string {
  const text = normalizeText(input ?? "");
  return isEmptyCell(text) ? "" : text;
}

/** True for "", "--", "Không có thông tin", "Không" and similar placeholders. */
export function isEmptyCell(text: string): boolean {
  const t = text.trim().replace(/[.\s]+$/, "");
  return t === "" || /^-+$/.test(t) || t === NO_INFO || t === "Không";
}

/**
 * Reads a bracketed group starting at `start` (which must hold "(") and returns the index just
 * past its matching ")". Nested brackets are honoured; an unclosed group runs to `end`.
 */
export function bracketEnd(text: string, start: number, end = text.length): number {
  let depth = 0;
  for (let i = start; i < end; i++) {
    const ch = text[i];
    if (ch === "(") depth++;
    else if (ch === ")") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return end;
}

/** Splits on commas that are not inside brackets. */
export function splitTopLevelCommas(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(" || ch === "[") depth++;
    else if ((ch === ")" || ch === "]") && depth > 0) depth--;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

/** Parses "1", "0,5", "1.5", "05" as a number; NaN when it is none. */
export function parseDecimal(text: string): number {
  return Number(text.replace(",", "."));
}
