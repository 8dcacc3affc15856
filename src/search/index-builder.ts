import { bigrams } from "../text/tokenize.ts";

/** One searchable field of every document: postings per term plus lengths for BM25. */
export interface FieldIndex {
  weight: number;
  b: number;
  postings: Map<string, { docs: Int32Array; tfs: Float32Array }>;
  lengths: Float32Array;
  avgLength: number;
  idf: Map<string, number>;
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
  const lists = new Map<string, { docs: number[]; tfs: number[] }>();
  const lengths = new Float32Array(docs.length);
  let sum = 0;
  docs.forEach((terms, doc) => {
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, n] of tf) {
      let list = lists.get(t);
      if (!list) lists.set(t, (list = { docs: [], tfs: [] }));
      list.docs.push(doc);
      list.tfs.push(n);
    }
    // Length in syllables: unigrams only (a quarter of the terms), so bigrams do not double it.
    lengths[doc] = terms.length / 4;
    sum += terms.length / 4;
  });
  const postings = new Map<string, { docs: Int32Array; tfs: Float32Array }>();
  const idf = new Map<string, number>();
  const n = docs.length;
  for (const [t, list] of lists) {
    postings.set(t, { docs: Int32Array.from(list.docs), tfs: Float32Array.from(list.tfs) });
    const df = list.docs.length;
    idf.set(t, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
  }
  return { ...opts, postings, lengths, avgLength: sum / Math.max(1, n) || 1, idf };
}
