import { foldAccents } from "./normalize.ts";
import { syllables, syllablesOfNormalized } from "./tokenize.ts";

export interface AccentRestorer {
  /** Best accented reading of an unaccented text, syllable by syllable; unknown syllables stay. */
  restore(text: string): string;
  /**
   * The text with each word typed without its spaces split into syllables ("khaisinh" → "khai
   * sinh", "quyềnchiếm" → "quyền chiếm"), as typed otherwise. A word is split only when it is no
   * known syllable and every piece is one with the accents typed, and, for a word typed without
   * accents, each pair of neighbours is seen in the corpus; of several such splits the likeliest
   * wins.
   */
  respace(text: string): string;
}

/** A text of the training corpus, already passed through normalizeText, with how much it counts. */
export interface WeightedText {
  text: string;
  weight: number;
}

const MAX_CANDIDATES = 6;
/** Words shorter than this are never split; longer ones are not words typed together. */
const MIN_GLUED = 4;
const MAX_GLUED = 28;
/** Pieces of a split: 2 to 4 syllables of 2 to 7 letters ("nghiêng" is the longest). */
const MAX_PIECES = 4;
const MIN_SYLLABLE = 2;
const MAX_SYLLABLE = 7;
const VOWEL = /[aeiouy]/;
const WORD = /\p{L}+/gu;

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

  const seenPair = (a: string, b: string) => bigram.has(`${a} ${b}`);

  /** The splits of a folded word into known folded syllables, 2 to MAX_PIECES of them. */
  function splits(folded: string, from = 0, pieces = 0): string[][] {
    if (from === folded.length) return pieces >= 2 ? [[]] : [];
    if (pieces === MAX_PIECES) return [];
    const out: string[][] = [];
    for (
      let end = from + MIN_SYLLABLE;
      end <= Math.min(folded.length, from + MAX_SYLLABLE);
      end++
    ) {
      const piece = folded.slice(from, end);
      if (!VOWEL.test(piece) || !candidates.has(piece)) continue;
      for (const rest of splits(folded, end, pieces + 1)) out.push([piece, ...rest]);
    }
    return out;
  }

  /**
   * The likeliest accented reading of the pieces. Neighbours must be seen together in the corpus
   * unless the word was typed with accents: then every piece already is a syllable as typed.
   */
  function readSplit(typed: string[], folded: string[]): number | null {
    const withAccents = typed.some((t, i) => t !== folded[i]);
    const options = folded.map((f, i) => {
      const accented = typed[i] !== f;
      // Accents typed are kept: an accented piece must be a syllable of the corpus as typed.
      return accented ? (unigram.has(typed[i]!) ? [typed[i]!] : []) : candidates.get(f)!;
    });
    let prev = options[0]!.map((c) => ({ score: logUni(c), last: c }));
    for (let i = 1; i < options.length && prev.length > 0; i++) {
      prev = options[i]!.flatMap((c) => {
        const from = withAccents ? prev : prev.filter((p) => seenPair(p.last, c));
        if (from.length === 0) return [];
        const score = Math.max(...from.map((p) => p.score + logTrans(p.last, c)));
        return [{ score, last: c }];
      });
    }
    return prev.length > 0 ? Math.max(...prev.map((p) => p.score)) : null;
  }

  function splitWord(word: string): string | null {
    const chars = [...word.toLowerCase()];
    const foldedChars = chars.map(foldAccents);
    // Folding must keep one letter per letter, so the split can be placed in the typed word.
    if (foldedChars.some((c) => c.length !== 1) || chars.length !== word.length) return null;
    const folded = foldedChars.join("");
    if (candidates.has(folded)) return null;
    const lower = chars.join("");
    let best: { score: number; pieces: string[] } | null = null;
    for (const pieces of splits(folded)) {
      const score = readSplit(cutLike(lower, pieces), pieces);
      if (score !== null && (!best || score > best.score)) best = { score, pieces };
    }
    return best ? cutLike(word, best.pieces).join(" ") : null;
  }

  return {
    respace: (text) =>
      text.replace(WORD, (word) =>
        word.length < MIN_GLUED || word.length > MAX_GLUED ? word : (splitWord(word) ?? word),
      ),
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

/** `text` cut into pieces as long as those of `like` (the same number of letters in each). */
function cutLike(text: string, like: readonly string[]): string[] {
  let at = 0;
  return like.map((p) => text.slice(at, (at += p.length)));
}
