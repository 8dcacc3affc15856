/** Counts of what the LLM path did, for `eval --llm`. */
import type { LlmOutcome } from "./types.ts";

export interface OutcomeTally {
  add(outcome: LlmOutcome): void;
  readonly questions: number;
  /** Questions sent to the model. */
  readonly called: number;
  /** Model answers that were checked (parsed, not "no information"). */
  readonly checked: number;
  /** Checked answers that passed the grounding checks (and were shown). */
  readonly passed: number;
  /** Called, but the offline answer was shown: rejected + no information + errors. */
  readonly fallbacks: number;
  readonly rejected: number;
  readonly noInformation: number;
  /** Errors by reason (timeout, http_500, output_not_json…). */
  readonly errors: ReadonlyMap<string, number>;
  /** Grounding failures by kind (amount_not_in_records…). */
  readonly rejections: ReadonlyMap<string, number>;
}

export function createOutcomeTally(): OutcomeTally {
  let questions = 0;
  let passed = 0;
  let rejected = 0;
  let noInformation = 0;
  const errors = new Map<string, number>();
  const rejections = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const errorCount = () => [...errors.values()].reduce((a, b) => a + b, 0);
  return {
    add(o) {
      questions++;
      if (o.kind === "answered") passed++;
      else if (o.kind === "no_information") noInformation++;
      else if (o.kind === "error") bump(errors, o.reason);
      else if (o.kind === "rejected") {
        rejected++;
        for (const kind of new Set(o.reasons.map((r) => r.split(":")[0] ?? r))) {
          bump(rejections, kind);
        }
      }
    },
    get questions() {
      return questions;
    },
    get called() {
      return passed + rejected + noInformation + errorCount();
    },
    get checked() {
      return passed + rejected;
    },
    get passed() {
      return passed;
    },
    get fallbacks() {
      return rejected + noInformation + errorCount();
    },
    get rejected() {
      return rejected;
    },
    get noInformation() {
      return noInformation;
    },
    errors,
    rejections,
  };
}

const pct = (x: number, of: number) => (of === 0 ? "–" : `${((x / of) * 100).toFixed(1)}%`);
const list = (m: ReadonlyMap<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(", ") || "none";

export function formatOutcomeTally(title: string, t: OutcomeTally): string {
  const errorCount = [...t.errors.values()].reduce((a, b) => a + b, 0);
  return [
    title,
    `questions ${t.questions}, sent to the model ${t.called} (${pct(t.called, t.questions)})`,
    `grounding passed ${t.passed}/${t.checked} checked answers (${pct(t.passed, t.checked)}); LLM answers shown ${pct(t.passed, t.called)} of calls`,
    `fallbacks ${t.fallbacks}/${t.called} calls (${pct(t.fallbacks, t.called)}): rejected ${t.rejected}, no information ${t.noInformation}, errors ${errorCount}`,
    `  rejections: ${list(t.rejections)}`,
    `  errors: ${list(t.errors)}`,
  ].join("\n");
}
