import type { Procedure } from "./types.ts";
import type { ImportFailure } from "./coverage.ts";
import { cleanCell } from "./cells.ts";
import { statesDuration } from "./parse-time.ts";

/** The raw text each parsed field came from. */
export interface FieldSources {
  steps: string;
  methods: string;
  timeCells: string[];
  documents: string;
  legal: string;
}

function excerpt(text: string): string {
  const clean = cleanCell(text).replace(/\s+/gu, " ");
  return clean.length > 90 ? `${clean.slice(0, 90)}…` : clean;
}

/**
 * Lists the fields that had text in the source but gave nothing when parsed. A field the portal
 * leaves empty ("Không có thông tin") is not a failure. A time cell with text is read whatever it
 * says (a duration, a bare number, "Không quy định", a sentence kept as written), so a time
 * failure now means a record none of whose time cells gave a time.
 */
export function parseFieldFailures(procedure: Procedure, from: FieldSources): ImportFailure[] {
  const failures: ImportFailure[] = [];
  const fail = (field: string, reason: string) =>
    failures.push({ code: procedure.code, field, reason });
  if (procedure.steps.length === 0 && cleanCell(from.steps) !== "") {
    fail("steps", `no steps in "${excerpt(from.steps)}"`);
  }
  if (procedure.methods.length === 0 && cleanCell(from.methods) !== "") {
    fail("methods", `no submission method rows in "${excerpt(from.methods)}"`);
  }
  if (!procedure.methods.some((m) => m.time)) {
    const cells = [...new Set(from.timeCells.map(cleanCell).filter((c) => c !== ""))];
    if (cells.length > 0) fail("time", `time cells gave no time: "${excerpt(cells.join(" | "))}"`);
    else {
      // No time cell, but the descriptions give durations (per step or per case, no total):
      // answered from that text with the portal link, and listed here.
      const stated = procedure.methods.map((m) => m.description).find(statesDuration);
      if (stated) fail("time", `no total time; the description states: "${excerpt(stated)}"`);
    }
  }
  if (procedure.documents.length === 0 && cleanCell(from.documents) !== "") {
    fail("documents", `no document rows in "${excerpt(from.documents)}"`);
  }
  if (procedure.legalBasis.length === 0 && cleanCell(from.legal) !== "") {
    fail("legalBasis", `no document number in "${excerpt(from.legal)}"`);
  }
  return failures;
}
