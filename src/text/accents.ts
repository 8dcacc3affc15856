import { foldAccents } from "./normalize.ts";
import { syllables, syllablesOfNormalized } from "./tokenize.ts";

export interface AccentRestorer {
  /** Best accented reading of an unaccented text, syllable by syllable; unknown syllables stay. */
  restore(text: string): string;
}

/** A text of the training corpus, already passed through normalizeText, with how much it counts. */
export interface WeightedText {
  text: string;
  weight: number;
}

const MAX_CANDIDATES = 6;

/**
 * Restores Vietnamese accents with a syllable-bigram model learned from the given texts
 * (the catalogue, plus everyday question phrases weighted up): a Viterbi search over the
 * accented forms seen for each folded syllable, scored by bigram probabilities interpolated
 * with unigram ones.
 */
export function createAccentRestorer(corpus: Iterable<WeightedText>): AccentRestorer {
  const unigram = new Map<string, number>();
  const bigram = new Map<string, number>();
  let total = 0;
  for (const { text, weight } of corpus) {
    const toks = syllablesOfNormalized(text);
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      total += weight;
      unigram.set(t, (unigram.get(t) ?? 0) + weight);
      if (i > 0) {
        const key = `${toks[i - 1]} ${t}`;
        bigram.set(key, (bigram.get(key) ?? 0) + weight);
      }
    }
  }
  const forms = new Map<string, Array<[string, number]>>();
  for (const [t, n] of unigram) {
    const f = foldAccents(t);
    const list = forms.get(f);
    if (list) list.push([t, n]);
    else forms.set(f, [[t, n]]);
  }
  const candidates = new Map<string, string[]>();
  for (const [f, list] of forms) {
    list.sort((a, b) => b[1] - a[1]);
    candidates.set(
      f,
      list.slice(0, MAX_CANDIDATES).map(([t]) => t),
    );
  }
  const denom = total + Math.max(1, unigram.size);
  const pUni = (t: string) => ((unigram.get(t) ?? 0) + 1) / denom;
  const logUni = (t: string) => Math.log(pUni(t));
  const logTrans = (a: string, b: string) => {
    const ca = unigram.get(a) ?? 0;
    const pBi = ca > 0 ? (bigram.get(`${a} ${b}`) ?? 0) / ca : 0;
    return Math.log(0.8 * pBi + 0.2 * pUni(b));
  };

  return {
    restore(text) {
      const toks = syllables(text).map(foldAccents);
      if (toks.length === 0) return "";
      let prev = (candidates.get(toks[0]!) ?? [toks[0]!]).map((c) => ({
        score: logUni(c),
        path: [c],
      }));
      for (let i = 1; i < toks.length; i++) {
        const options = candidates.get(toks[i]!) ?? [toks[i]!];
        prev = options.map((c) => {
          let best = prev[0]!;
          let bestScore = -Infinity;
          for (const p of prev) {
            const s = p.score + logTrans(p.path[p.path.length - 1]!, c);
            if (s > bestScore) {
              bestScore = s;
              best = p;
            }
          }
          return { score: bestScore, path: [...best.path, c] };
        });
      }
      return prev.reduce((a, b) => (b.score > a.score ? b : a)).path.join(" ");
    },
  };
}
