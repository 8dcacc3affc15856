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
  // One map lookup per term occurrence: documents arrive in order, so a term's postings grow at
  // the end and a repeat within one document only bumps the last count.
  const ids = new Map<string, number>();
  const docLists: number[][] = [];
  const tfLists: number[][] = [];
  const lengths = new Float32Array(docs.length);
  let sum = 0;
  docs.forEach((terms, doc) => {
    for (const t of terms) {
      let id = ids.get(t);
      if (id === undefined) {
        id = docLists.length;
        ids.set(t, id);
        docLists.push([]);
        tfLists.push([]);
      }
      const list = docLists[id]!;
      const last = list.length - 1;
      if (list[last] === doc) tfLists[id]![last]!++;
      else {
        list.push(doc);
        tfLists[id]!.push(1);
      }
    }
    lengths[doc] = terms.length;
    sum += terms.length;
  });
  const postings = new Map<string, { docs: Int32Array; tfs: Float32Array }>();
  const idf = new Map<string, number>();
  const n = docs.length;
  for (const [t, id] of ids) {
    const list = docLists[id]!;
    postings.set(t, { docs: Int32Array.from(list), tfs: Float32Array.from(tfLists[id]!) });
    idf.set(t, Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5)));
  }
  return { ...opts, postings, lengths, avgLength: sum / Math.max(1, n) || 1, idf };
}
