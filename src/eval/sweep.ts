/**
 * The name sweep: every catalogue name asked with a few question templates ("… cần giấy tờ gì",
 * "… phí bao nhiêu"…). An answer counts when the assistant is sure, answers that aspect, and
 * names that procedure or one with the same name (the catalogue holds same-name records for
 * different levels and agencies).
 */
import type { Aspect, AskResult, Procedure } from "../assistant/index.ts";
import { foldAccents } from "../text/index.ts";

export interface SweepTemplate {
  suffix: string;
  aspect: Aspect;
}

export const SWEEP_TEMPLATES: readonly SweepTemplate[] = [
  { suffix: "cần giấy tờ gì", aspect: "documents" },
  { suffix: "phí bao nhiêu", aspect: "fee" },
  { suffix: "mất bao lâu", aspect: "time" },
  { suffix: "nộp ở đâu", aspect: "where" },
];

export type SweepOutcome = "answered" | "other_procedure" | "asked_back" | "wrong_aspect" | "other";

export interface SweepMiss {
  code: string;
  question: string;
  outcome: Exclude<SweepOutcome, "answered">;
  /** The first procedure the assistant named, if any. */
  got?: string;
}

export interface SweepRow {
  template: SweepTemplate;
  asked: number;
  answered: number;
  misses: SweepMiss[];
}

/** The name without a trailing full stop, as a citizen would paste it. */
export function sweepQuestion(p: Procedure, t: SweepTemplate): string {
  return `${p.name.replace(/[.\s]+$/u, "")} ${t.suffix}`;
}

function nameKey(name: string): string {
  return foldAccents(name)
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

export function judgeSweep(
  p: Procedure,
  t: SweepTemplate,
  r: AskResult,
  sameName: ReadonlySet<string>,
): { outcome: SweepOutcome; got?: string } {
  const got = r.procedures[0]?.code;
  if (r.intent !== "procedure") return { outcome: "other", ...(got ? { got } : {}) };
  if (r.confidence === "ambiguous") {
    const offered = r.choices.map((c) => c.code);
    // Asked to pick among records that all bear this name: the citizen is not misled.
    const sameOnly = offered.length > 0 && offered.every((c) => sameName.has(c));
    return sameOnly && r.aspect === t.aspect
      ? { outcome: "answered" }
      : { outcome: "asked_back", ...(got ? { got } : {}) };
  }
  if (r.confidence !== "sure" || got === undefined) return { outcome: "other" };
  if (!sameName.has(got)) return { outcome: "other_procedure", got };
  return r.aspect === t.aspect ? { outcome: "answered" } : { outcome: "wrong_aspect", got };
}

/** Asks every name of `catalogue` with each template; `limit` takes every n-th record. */
export async function runSweep(
  catalogue: readonly Procedure[],
  ask: (question: string) => Promise<AskResult> | AskResult,
  templates: readonly SweepTemplate[] = SWEEP_TEMPLATES,
): Promise<SweepRow[]> {
  const byName = new Map<string, Set<string>>();
  for (const p of catalogue) {
    const key = nameKey(p.name);
    const set = byName.get(key) ?? new Set<string>();
    set.add(p.code);
    byName.set(key, set);
  }
  const rows: SweepRow[] = [];
  for (const template of templates) {
    const row: SweepRow = { template, asked: 0, answered: 0, misses: [] };
    for (const p of catalogue) {
      const question = sweepQuestion(p, template);
      const result = await ask(question);
      const sameName = byName.get(nameKey(p.name)) ?? new Set([p.code]);
      const { outcome, got } = judgeSweep(p, template, result, sameName);
      row.asked++;
      if (outcome === "answered") row.answered++;
      else row.misses.push({ code: p.code, question, outcome, ...(got ? { got } : {}) });
    }
    rows.push(row);
  }
  return rows;
}

export function formatSweep(rows: readonly SweepRow[]): string {
  const lines = ["template                 answered      other  asked-back  aspect  other-intent"];
  for (const r of rows) {
    const count = (o: SweepOutcome) => r.misses.filter((m) => m.outcome === o).length;
    const pct = ((100 * r.answered) / Math.max(1, r.asked)).toFixed(1);
    lines.push(
      `${r.template.suffix.padEnd(24)} ${`${pct} %`.padStart(8)} ${String(count("other_procedure")).padStart(10)} ${String(count("asked_back")).padStart(11)} ${String(count("wrong_aspect")).padStart(7)} ${String(count("other")).padStart(13)}`,
    );
  }
  return lines.join("\n");
}
