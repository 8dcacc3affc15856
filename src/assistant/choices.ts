/** Which procedures to offer back when retrieval hesitates. */
import { foldAccents } from "../text/index.ts";
import type { ProcedureRef } from "./types.ts";

export interface ChoiceOptions {
  /** At most this many choices (default 4). */
  max?: number;
  /** Hits scoring below top × minRatio are not offered, when scores are positive (default 0.5). */
  minRatio?: number;
}

/**
 * Up to `max` choices, best first: one per distinct procedure name, then other levels of the
 * names already offered; when every candidate has the same name, its levels. Always keeps the
 * two best hits as candidates, whatever their scores.
 */
export function pickChoices(
  refs: readonly ProcedureRef[],
  opts: ChoiceOptions = {},
): ProcedureRef[] {
  const max = opts.max ?? 4;
  const minRatio = opts.minRatio ?? 0.5;
  const top = refs[0]?.score ?? 0;
  const candidates = refs.filter(
    (r, i) => i < 2 || !(top > 0) || !Number.isFinite(r.score) || r.score >= top * minRatio,
  );
  const nameOf = (r: ProcedureRef) => foldAccents(r.name).replace(/\s+/g, " ").trim();
  const firstOfName = new Map<string, ProcedureRef>();
  for (const r of candidates) if (!firstOfName.has(nameOf(r))) firstOfName.set(nameOf(r), r);
  const picked = [...firstOfName.values()].slice(0, max);
  const pickedNames = new Set(picked.map(nameOf));
  for (const r of candidates) {
    if (picked.length >= max) break;
    if (!picked.includes(r) && pickedNames.has(nameOf(r))) picked.push(r);
  }
  const order = [...firstOfName.keys()];
  return picked.sort((a, b) => {
    const byName = order.indexOf(nameOf(a)) - order.indexOf(nameOf(b));
    return byName !== 0 ? byName : candidates.indexOf(a) - candidates.indexOf(b);
  });
}
