import type { Procedure } from "../catalogue/index.ts";
import type { AccentRestorer } from "../text/index.ts";
import type { AcronymExpander } from "../text/index.ts";
import { foldAccents, hasAccents, normalizeText } from "../text/index.ts";
import type { SynonymExpander } from "../text/index.ts";
import { bigrams, createInterner, syllables, syllablesOfNormalized } from "../text/index.ts";
import { buildFieldIndex, fieldTerms, type FieldIndex } from "./index-builder.ts";
import { judgeConfidence, wordsBeyond } from "./confidence.ts";
import { baseName, levelRank, variantWordsOf } from "./variants.ts";
import { buildTextTools } from "./text-tools.ts";
import type { QuestionWords } from "./query.ts";
import type { Qualifiers } from "./qualifiers.ts";
import type { Retriever, SearchHit, SearchResult } from "./types.ts";

/** Longest question text that is searched; the rest is ignored. */
export const MAX_QUERY_CHARS = 2000;

/** Question words that say what is asked, not which procedure: they count little. */
const STOP_WORDS = (
  "thủ tục hồ sơ cần gì những nào ở đâu bao nhiêu lâu như thế nào làm tôi em mình muốn hỏi " +
  "được không có cho của và là thì mà khi với theo để này đó các một phải xin đi ra vào " +
  "gồm bao gồm giấy tờ sao vậy ạ nhé ơi anh chị bạn nhà đem mang theo cái việc"
).split(" ");
const STOP = new Set(STOP_WORDS.map(foldAccents));
const STOP_AS_WRITTEN = new Set(STOP_WORDS);
/** A syllable typed with accents is a question word only as written ("hồi" is not "hỏi"). */
const isStopAsWritten = (t: string) =>
  foldAccents(t) === t ? STOP.has(t) : STOP_AS_WRITTEN.has(t);

export interface FieldSpec {
  name: string;
  weight: number;
  b: number;
  /** Index accented syllables too (precise matching of accented questions). */
  accents: boolean;
  text: (p: Procedure) => string;
}

/** The fields searched, their weights and the text each takes from a record (also used by the bench). */
export const SEARCH_FIELDS: readonly FieldSpec[] = [
  { name: "name", weight: 1, b: 0.5, accents: true, text: (p) => p.name },
  { name: "field", weight: 0.25, b: 0.3, accents: true, text: (p) => p.field },
  { name: "result", weight: 0.2, b: 0.75, accents: false, text: (p) => p.result.slice(0, 600) },
  {
    name: "documents",
    weight: 0.1,
    b: 0.75,
    accents: false,
    text: (p) =>
      p.documents
        .map((d) => d.name)
        .join(" ")
        .slice(0, 2000),
  },
  { name: "agencies", weight: 0.1, b: 0.75, accents: false, text: (p) => p.agencies.join(" ") },
  {
    name: "conditions",
    weight: 0.1,
    b: 0.75,
    accents: false,
    text: (p) => p.conditions.slice(0, 1500),
  },
  {
    name: "steps",
    weight: 0.1,
    b: 0.75,
    accents: false,
    text: (p) => p.steps.join(" ").slice(0, 1500),
  },
];

/** BM25 term saturation for the other fields. */
const K1 = 1.2;
/** Accented terms add precision on top of folded ones (typed or restored accents alike). */
const ACCENT_WEIGHT = 0.5;
/** Hits reranked by name coverage, variants and level. */
const RERANK_POOL = 50;
/** BM25 term saturation of the name: nearly binary (a repeated word says little). */
const K1_NAME = 0.3;
/** Weight of the share of the name's own words that the question holds, in the rerank. */
const NAME_COVERAGE = 0.5;
/** Weight of a synonym's catalogue wording against the words typed. */
const SYNONYM_WEIGHT = 0.5;
/** Penalty per variant word (lại, đổi, gia hạn…) in a name that the question does not use. */
const UNASKED_VARIANT = 0.05;
/** Tie-break towards the level closest to the citizen (same name at several levels). */
const LEVEL_PREFERENCE = 0.01;
const CODE = /\b\d\.\d{6}\b/g;

export interface LexicalOptions {
  synonyms?: SynonymExpander;
  restorer?: AccentRestorer;
  acronyms?: AcronymExpander;
  /** Question words removed before searching ("mất bao lâu", "ở đâu"). */
  questionWords?: QuestionWords;
  /** Special variants (foreign element, ages…) preferred or avoided by what the question says. */
  qualifiers?: Qualifiers;
}

interface WeightedTerms {
  terms: Map<string, number>;
  /** Folded words of the catalogue wording of each synonym the question says unambiguously. */
  synonymWords: string[][];
  /** IDF-weighted mass of the distinctive query words, for the confidence judgement. */
  foldedUnigrams: Map<string, number>;
}

function addTerms(
  into: Map<string, number>,
  accented: readonly string[],
  weight: number,
  accentWeight: number,
) {
  const folded = accented.map(foldAccents);
  const add = (t: string, w: number) => into.set(t, Math.max(into.get(t) ?? 0, w));
  const stopPair = (i: number) => STOP.has(folded[i]!) && STOP.has(folded[i + 1]!);
  // A folded pair counts little only when both words are question words as typed: "thu hồi",
  // "hồi số" fold onto "thủ", "hỏi", "hồ sơ" word by word, but "thu hồi" is no question phrase.
  const stopPairAsWritten = (i: number) =>
    isStopAsWritten(accented[i]!) && isStopAsWritten(accented[i + 1]!);
  folded.forEach((t) => add(t, STOP.has(t) ? weight * 0.1 : weight));
  bigrams(folded).forEach((t, i) => add(t, (stopPairAsWritten(i) ? 0.1 : 1) * weight));
  if (accentWeight > 0) {
    accented.forEach((t, i) =>
      add(`~${t}`, (STOP.has(folded[i]!) ? 0.1 : 1) * weight * accentWeight),
    );
    bigrams(accented).forEach((t, i) =>
      add(`~${t}`, (stopPair(i) ? 0.1 : 1) * weight * accentWeight),
    );
  }
}

/**
 * The field indexes, and per procedure its name's folded words with their IDF in the name field.
 * Built in a scope of their own, with one copy of each term shared by all of them.
 */
function buildIndexes(catalogue: readonly Procedure[]) {
  const intern = createInterner();
  const fields: FieldIndex[] = SEARCH_FIELDS.map((spec) =>
    buildFieldIndex(
      catalogue.map((p) => {
        const acc = syllablesOfNormalized(spec.text(p));
        return fieldTerms(spec.accents ? acc : [], acc.map(foldAccents)).map(intern);
      }),
      spec,
    ),
  );
  const name = fields[0]!;
  const nameWords = catalogue.map((p) => {
    const words = new Map<string, number>();
    for (const t of syllablesOfNormalized(p.name)) {
      const folded = intern(foldAccents(t));
      const id = name.ids.get(folded);
      if (!STOP.has(folded)) words.set(folded, id === undefined ? 0 : name.idf[id]!);
    }
    return words;
  });
  return { fields, nameWords };
}

/** Lexical retrieval (BM25 over weighted fields, folded and accented syllables and bigrams). */
export function createLexicalRetriever(
  catalogue: readonly Procedure[],
  options: LexicalOptions = buildTextTools(catalogue),
): Retriever & { queryTerms(query: string): WeightedTerms } {
  const { fields, nameWords } = buildIndexes(catalogue);
  const nameField = fields[0]!;
  const nameIdf = (t: string) => {
    const id = nameField.ids.get(t);
    return id === undefined ? undefined : nameField.idf[id];
  };
  const variants = catalogue.map((p) => variantWordsOf(p.name));
  const levels = catalogue.map(levelRank);
  const bases = catalogue.map((p) => baseName(p.name));
  const byCode = new Map(catalogue.map((p, i) => [p.code, i]));

  function queryTerms(query: string): WeightedTerms {
    const full = normalizeText(query.slice(0, MAX_QUERY_CHARS));
    const text = options.questionWords ? options.questionWords.strip(full).join(" ") : full;
    const typed = syllables(text);
    const terms = new Map<string, number>();
    if (hasAccents(text)) {
      addTerms(terms, typed, 1, ACCENT_WEIGHT);
    } else {
      addTerms(terms, typed, 1, 0);
      if (options.restorer) {
        addTerms(terms, syllables(options.restorer.restore(text)), 1, ACCENT_WEIGHT);
      }
    }
    // Words a synonym explained are judged by its catalogue wording, not as typed.
    const explained = new Set<number>();
    const confidenceWords: string[] = [];
    const synonymWords: string[][] = [];
    for (const m of options.synonyms?.match(text) ?? []) {
      const means = syllablesOfNormalized(m.means);
      addTerms(terms, means, SYNONYM_WEIGHT, SYNONYM_WEIGHT);
      for (let i = m.start; i < m.end; i++) explained.add(i);
      const folded = means.map(foldAccents);
      confidenceWords.push(...folded);
      if (m.unambiguous) synonymWords.push(folded);
    }
    for (const word of typed) {
      const phrase = options.acronyms?.spell(word);
      if (phrase) addTerms(terms, syllablesOfNormalized(phrase), 0.7, 0.7);
    }
    typed.forEach((t, i) => {
      if (!explained.has(i)) confidenceWords.push(foldAccents(t));
    });
    const foldedUnigrams = new Map<string, number>();
    for (const t of confidenceWords) {
      if (!STOP.has(t)) foldedUnigrams.set(t, nameIdf(t) ?? 8);
    }
    return { terms, synonymWords, foldedUnigrams };
  }

  function search(query: string, limit = 10): SearchResult {
    const { terms, synonymWords, foldedUnigrams } = queryTerms(query);
    const scores = new Float64Array(catalogue.length);
    fields.forEach((field, f) => {
      const k1 = f === 0 ? K1_NAME : K1;
      const { docs, tfs, offsets, lengths, b, avgLength } = field;
      for (const [term, qw] of terms) {
        const id = field.ids.get(term);
        if (id === undefined) continue;
        const idf = field.idf[id]! * qw * field.weight;
        for (let i = offsets[id]!, end = offsets[id + 1]!; i < end; i++) {
          const d = docs[i]!;
          const tf = tfs[i]!;
          const norm = k1 * (1 - b + (b * lengths[d]!) / avgLength);
          scores[d]! += (idf * tf * (k1 + 1)) / (tf + norm);
        }
      }
    });
    const pool = topK(scores, RERANK_POOL);
    const queryWords = new Set<string>();
    for (const [t] of terms) if (!t.startsWith("~") && !t.includes("_")) queryWords.add(t);
    const askedText = ` ${[...terms.keys()]
      .filter((t) => !t.startsWith("~"))
      .map((t) => t.replace("_", " "))
      .join(" ")} `;
    const rawTop = scores[pool[0] ?? 0] ?? 0;
    const top = rawTop || 1;
    const typed = syllables(query.slice(0, MAX_QUERY_CHARS));
    const adjust = options.qualifiers?.forQuestion(typed);
    for (const d of pool) {
      const unasked = variants[d]!.filter((w) => !askedText.includes(` ${w} `)).length;
      scores[d] =
        scores[d]! / top +
        NAME_COVERAGE * coverage(nameWords[d]!, queryWords) -
        UNASKED_VARIANT * unasked +
        LEVEL_PREFERENCE * (3 - levels[d]!) +
        (adjust ? adjust(d) : 0);
    }
    pool.sort((a, b) => scores[b]! - scores[a]!);
    // A procedure code typed in the question ("1.001193") names the procedure outright.
    const named = (query.slice(0, MAX_QUERY_CHARS).match(CODE) ?? []).flatMap((code) => {
      const doc = byCode.get(code);
      return doc === undefined ? [] : [doc];
    });
    const best = (scores[pool[0] ?? 0] ?? 0) + 1;
    const ranked = [...new Set([...named, ...pool])];
    const hits = ranked.slice(0, Math.max(1, Math.min(limit, 50))).map((d, i): SearchHit => ({
      code: catalogue[d]!.code,
      score: i < named.length ? best + named.length - i : scores[d]!,
    }));
    if (named.length > 0) return { hits, confidence: "sure" };
    const matched = (code: string) => {
      const p = catalogue[byCode.get(code)!]!;
      return new Set(syllablesOfNormalized(`${p.name} ${p.field}`).map(foldAccents));
    };
    const baseOf = (code: string) => bases[byCode.get(code)!]!;
    const first = hits[0] && catalogue[byCode.get(hits[0].code)!]!;
    const beyond = first ? wordsBeyond(typed, first.name) : 0;
    // A synonym's wording is searched at SYNONYM_WEIGHT: when the first procedure's name holds
    // all of it ("hộ khẩu" → đăng ký thường trú), its not-found floor is scaled alike.
    const firstWords =
      first && synonymWords.length > 0
        ? new Set(syllablesOfNormalized(first.name).map(foldAccents))
        : undefined;
    const saidBySynonym =
      firstWords !== undefined &&
      synonymWords.some((words) => words.every((w) => firstWords.has(w)));
    const confidence = judgeConfidence(hits, rawTop, foldedUnigrams, matched, baseOf, beyond, {
      floorScale: saidBySynonym ? SYNONYM_WEIGHT : 1,
    });
    return { hits, confidence };
  }

  return { search, queryTerms };
}

/** IDF-weighted share of `words` that `present` holds. */
function coverage(words: ReadonlyMap<string, number>, present: ReadonlySet<string>): number {
  let all = 0;
  let hit = 0;
  for (const [w, idf] of words) {
    all += idf;
    if (present.has(w)) hit += idf;
  }
  return all ? hit / all : 0;
}

function topK(scores: Float64Array, k: number): number[] {
  const out: number[] = [];
  for (let d = 0; d < scores.length; d++) {
    const s = scores[d]!;
    if (s <= 0) continue;
    if (out.length < k) {
      out.push(d);
      if (out.length === k) out.sort((a, b) => scores[b]! - scores[a]!);
    } else if (s > scores[out[k - 1]!]!) {
      let i = k - 1;
      while (i > 0 && scores[out[i - 1]!]! < s) {
        out[i] = out[i - 1]!;
        i--;
      }
      out[i] = d;
    }
  }
  if (out.length < k) out.sort((a, b) => scores[b]! - scores[a]!);
  return out;
}
