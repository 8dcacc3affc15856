import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Confidence, Intent } from "../assistant/index.ts";
import { DataFileError, issueProblems } from "../errors.ts";
import { foldAccents } from "../text/index.ts";

export const evalItemSchema = z.object({
  id: z.string(),
  question: z.string(),
  kind: z.enum(["procedure", "feedback", "handoff", "greeting", "out_of_scope"]),
  accept: z.array(z.string()),
});
export type EvalItem = z.infer<typeof evalItemSchema>;

/** One question per line (JSON); a line that is not JSON or not an item is a DataFileError. */
export function readEvalFile(file: string): EvalItem[] {
  const items: EvalItem[] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (!line.trim()) return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (err) {
        throw new DataFileError(file, [`line ${i + 1}: not JSON`], { cause: err });
      }
      const parsed = evalItemSchema.safeParse(json);
      if (!parsed.success) {
        const problems = issueProblems(parsed.error.issues).map((p) => `line ${i + 1}: ${p}`);
        throw new DataFileError(file, problems);
      }
      items.push(parsed.data);
    });
  return items;
}

export interface Prediction {
  intent: Intent;
  /** Procedure codes, best first. */
  codes: string[];
  /** The assistant's confidence; absent: not judged. */
  confidence?: Confidence;
}

export interface Scores {
  n: number;
  /** Share whose intent was recognised. */
  intent: number;
  /** Retrieval, over the items that have accepted codes (null when there are none). */
  hit1: number | null;
  hit5: number | null;
  mrr10: number | null;
  /** Share of the ranked items answered "sure", and share answered "sure" with a wrong first hit. */
  sure: number | null;
  sureWrong: number | null;
}

export interface EvalReport {
  overall: Scores;
  byKind: Record<string, Scores>;
  misses: Array<{
    id: string;
    question: string;
    expected: string[];
    got: string[];
    intent: Intent;
  }>;
}

function score(items: readonly EvalItem[], preds: readonly Prediction[]): Scores {
  let intent = 0;
  let ranked = 0;
  let hit1 = 0;
  let hit5 = 0;
  let mrr = 0;
  let sure = 0;
  let sureWrong = 0;
  items.forEach((item, i) => {
    const p = preds[i]!;
    if (p.intent === item.kind) intent++;
    if (item.accept.length === 0) return;
    ranked++;
    const rank = p.codes.slice(0, 10).findIndex((c) => item.accept.includes(c));
    if (rank === 0) hit1++;
    if (rank >= 0 && rank < 5) hit5++;
    if (rank >= 0) mrr += 1 / (rank + 1);
    if (p.confidence === "sure") {
      sure++;
      if (rank !== 0) sureWrong++;
    }
  });
  const share = (x: number) => (ranked ? x / ranked : null);
  return {
    n: items.length,
    intent: items.length ? intent / items.length : 0,
    hit1: share(hit1),
    hit5: share(hit5),
    mrr10: share(mrr),
    sure: share(sure),
    sureWrong: share(sureWrong),
  };
}

/** Scores predictions for every item; `stripAccents` asks each question without its accents. */
export function evaluate(
  items: readonly EvalItem[],
  predict: (question: string) => Prediction,
  opts: { stripAccents?: boolean } = {},
): EvalReport {
  const preds = items.map((item) =>
    predict(opts.stripAccents ? foldAccents(item.question) : item.question),
  );
  const kinds = [...new Set(items.map((i) => i.kind))];
  const byKind: Record<string, Scores> = {};
  for (const kind of kinds) {
    const idx = items.flatMap((it, i) => (it.kind === kind ? [i] : []));
    byKind[kind] = score(
      idx.map((i) => items[i]!),
      idx.map((i) => preds[i]!),
    );
  }
  const misses = items.flatMap((item, i) => {
    const p = preds[i]!;
    const ok = item.accept.length ? item.accept.includes(p.codes[0] ?? "") : p.intent === item.kind;
    return ok
      ? []
      : [
          {
            id: item.id,
            question: item.question,
            expected: item.accept,
            got: p.codes.slice(0, 3),
            intent: p.intent,
          },
        ];
  });
  return { overall: score(items, preds), byKind, misses };
}

const pct = (x: number | null) => (x === null ? "  –  " : `${(x * 100).toFixed(1)}%`.padStart(6));

export function formatReport(title: string, r: EvalReport): string {
  const row = (name: string, s: Scores) =>
    `${name.padEnd(14)} n=${String(s.n).padStart(4)}  intent ${pct(s.intent)}  hit@1 ${pct(s.hit1)}  hit@5 ${pct(s.hit5)}  MRR@10 ${pct(s.mrr10)}`;
  return [
    title,
    row("all", r.overall),
    ...Object.entries(r.byKind).map(([k, s]) => row(k, s)),
  ].join("\n");
}

/**
 * Coverage and precision of "sure", per retrieval mode: the share of procedure questions answered
 * sure, the share answered sure but wrong, and how many of the sure answers are right.
 */
export function formatSureTable(
  rows: ReadonlyArray<{ label: string; report: EvalReport }>,
): string {
  const lines = [
    `${"".padEnd(34)}answered sure  sure but wrong  sure answers right  hit@1   hit@5`,
  ];
  for (const { label, report } of rows) {
    const s = report.byKind.procedure ?? report.overall;
    const precision = s.sure ? 1 - (s.sureWrong ?? 0) / s.sure : null;
    lines.push(
      `${label.padEnd(34)}${pct(s.sure).padStart(13)}  ${pct(s.sureWrong).padStart(14)}  ${pct(precision).padStart(18)}  ${pct(s.hit1)}  ${pct(s.hit5)}`,
    );
  }
  return lines.join("\n");
}
