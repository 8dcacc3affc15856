import { bigrams } from "../text/index.ts";

/**
 * One searchable field of every document, stored flat for memory: term → id, and per id a slice
 * [offsets[id], offsets[id + 1]) of the docs/tfs arrays.
 */
export interface FieldIndex {
  weight: number;
  b: number;
  ids: Map<string, number>;
  offsets: Int32Array;
  docs: Int32Array;
  tfs: Uint16Array;
  idf: Float32Array;
  lengths: Float32Array;
  avgLength: number;
}

/** Terms of a field: folded syllables, folded bigrams, and the accented ones prefixed by "~". */
export function fieldTerms(accented: readonly string[], folded: readonly string[]): string[] {
  return [
    ...folded,
    ...bigrams(folded),
    ...accented.map((t) => `~${t}`),
    ...bigrams(accented).map((t) => `~${t}`),
  ];
}

export function buildFieldIndex(
  docs: ReadonlyArray<readonly string[]>,
  opts: { weight: number; b: number },
): FieldIndex {
  const ids = new Map<string, number>();
  const df: number[] = [];
  const lengths = new Float32Array(docs.length);
  let sum = 0;
  // Pass 1: term ids per document (sorted, so repeats are adjacent) and document frequencies.
  const perDoc = docs.map((terms, doc) => {
    const termIds = new Int32Array(terms.length);
    terms.forEach((t, i) => {
      let id = ids.get(t);
      if (id === undefined) {
        id = df.length;
        ids.set(t, id);
        df.push(0);
      }
      termIds[i] = id;
    });
    termIds.sort();
    for (let i = 0; i < termIds.length; i++)
      if (i === 0 || termIds[i] !== termIds[i - 1]) df[termIds[i]!]!++;
    lengths[doc] = terms.length;
    sum += terms.length;
    return termIds;
  });
  // Pass 2: fill the flat postings.
  const offsets = new Int32Array(df.length + 1);
  for (let id = 0; id < df.length; id++) offsets[id + 1] = offsets[id]! + df[id]!;
  const total = offsets[df.length]!;
  const postDocs = new Int32Array(total);
  const postTfs = new Uint16Array(total);
  const fill = offsets.slice(0, df.length);
  perDoc.forEach((termIds, doc) => {
    for (let i = 0; i < termIds.length;) {
      const id = termIds[i]!;
      let j = i + 1;
      while (j < termIds.length && termIds[j] === id) j++;
      const at = fill[id]!++;
      postDocs[at] = doc;
      postTfs[at] = Math.min(j - i, 65535);
      i = j;
    }
  });
  const n = docs.length;
  const idf = new Float32Array(df.length);
  df.forEach((d, id) => (idf[id] = Math.log(1 + (n - d + 0.5) / (d + 0.5))));
  return {
    ...opts,
    ids,
    offsets,
    docs: postDocs,
    tfs: postTfs,
    idf,
    lengths,
    avgLength: sum / Math.max(1, n) || 1,
  };
}
