import type { Procedure } from "../catalogue/index.ts";

export type Intent = "procedure" | "feedback" | "handoff" | "greeting" | "out_of_scope";

/** Which part of a procedure the citizen asks about; "overview" when none in particular. */
export const ASPECTS = [
  "documents",
  "fee",
  "time",
  "where",
  "how",
  "steps",
  "conditions",
  "result",
  "legal",
  "overview",
] as const;
export type Aspect = (typeof ASPECTS)[number];

import type { Confidence } from "../search/index.ts";

export type { Confidence };

export interface ProcedureRef {
  code: string;
  name: string;
  level: string;
  /** The first implementing agency, when the record names one (tells same-name records apart). */
  agency?: string;
  url: string;
  score: number;
}

/** What the assistant answers; `--json`, `POST /api/ask` and the web chat all use this shape. */
export interface AskResult {
  question: string;
  intent: Intent;
  aspect: Aspect;
  confidence: Confidence;
  /** The short Vietnamese answer shown to the citizen (plain text, may contain URLs). */
  answer: string;
  /** Procedures found, best first (at most 10). */
  procedures: ProcedureRef[];
  /** Choices offered back when ambiguous (2–4 codes), empty otherwise. */
  choices: ProcedureRef[];
  /** Who wrote `answer`: the LLM path (src/llm) or the offline templates. Absent offline-only. */
  source?: "llm" | "offline";
  /** The grounding checks of an LLM answer (src/llm/grounding.ts), when they ran. */
  grounding?: { passed: boolean; reasons: string[] };
}

export type { Procedure };

/** What a conversation knows when the citizen asks again. */
export interface AskContext {
  /**
   * The procedure answered last, when the caller (the dialogue core) judged the message to be a
   * follow-up about it ("thế phí bao nhiêu?"): the answer is about this procedure.
   */
  previousCode?: string;
}
