/**
 * Grounding checks of an LLM answer against the catalogue records it was given. Pure: no I/O,
 * no clock. An answer passes when every check does; each failure is one reason string, e.g.
 * "amount_not_in_records:75000". Reasons hold codes, numbers and folded document words only.
 */
import type { Procedure } from "../catalogue/index.ts";
import {
  claimsFree,
  containment,
  contentSyllables,
  documentMentions,
  fold,
  moneyAmounts,
  procedureCodes,
  syllableBigrams,
  timeKey,
  timeLimits,
  urls,
} from "./facts.ts";
import { recordFactText } from "./records.ts";

export interface GroundingInput {
  answer: string;
  citedCodes: readonly string[];
}

export interface GroundingResult {
  passed: boolean;
  reasons: string[];
}

export interface GroundingOptions {
  /**
   * A named document matches a record document holding this share of its words (default 0.6)
   * and of its word pairs (default 0.4), or when the cited records' whole text holds
   * `textMatch` of its word pairs (default 0.75).
   */
  documentWords?: number;
  documentPairs?: number;
  textMatch?: number;
  /** URLs the answer may hold besides the cited records' (the PAKN page…). */
  allowedUrls?: readonly string[];
}

/** What the cited records state, precomputed for the checks. */
interface Facts {
  amounts: Set<number>;
  times: Set<string>;
  workingTimes: Set<string>;
  free: boolean;
  urls: Set<string>;
  documents: { words: Set<string>; pairs: Set<string> }[];
  pairs: Set<string>;
}

function factsOf(records: readonly Procedure[]): Facts {
  const facts: Facts = {
    amounts: new Set(),
    times: new Set(),
    workingTimes: new Set(),
    free: false,
    urls: new Set(),
    documents: [],
    pairs: new Set(),
  };
  for (const p of records) {
    const text = recordFactText(p);
    for (const a of moneyAmounts(text)) facts.amounts.add(a);
    for (const m of p.methods) {
      if (m.fee?.amountVnd !== undefined) facts.amounts.add(m.fee.amountVnd);
      if (m.fee?.free) facts.free = true;
      if (m.time && m.time.amount > 0) {
        const key = timeKey({ amount: m.time.amount, unit: fold(m.time.unit).trim() });
        facts.times.add(key);
        if (m.time.workingDays) facts.workingTimes.add(key);
      }
    }
    for (const t of timeLimits(text)) {
      facts.times.add(timeKey(t));
      if (t.working) facts.workingTimes.add(timeKey(t));
    }
    if (claimsFree(text)) facts.free = true;
    facts.urls.add(p.url);
    for (const url of urls(text)) facts.urls.add(url);
    for (const d of p.documents) {
      const name = [d.group, d.name, d.form].filter(Boolean).join(" \n ");
      facts.documents.push({ words: contentSyllables(name), pairs: syllableBigrams(name) });
    }
    for (const pair of syllableBigrams(text)) facts.pairs.add(pair);
  }
  return facts;
}

const formatAmount = (n: number) => String(n);

/**
 * Checks an answer against the records retrieved for the question:
 * - at least one code is cited and every cited code, and every code written in the answer, is
 *   among the retrieved records;
 * - every money amount and every time limit in the answer is stated by a cited record (same
 *   number after normalization; "làm việc" only when the record counts working days);
 * - "miễn phí" only when a cited record says the procedure is free;
 * - every URL is a cited record's portal page, written in its fields, or an allowed one;
 * - every document the answer lists looks like one of the cited records' documents (folded
 *   words, fuzzy) or is written in their fields.
 */
export function checkGrounding(
  input: GroundingInput,
  retrieved: readonly Procedure[],
  options: GroundingOptions = {},
): GroundingResult {
  const reasons: string[] = [];
  const byCode = new Map(retrieved.map((p) => [p.code, p] as const));
  const cited = [...new Set(input.citedCodes.map((c) => c.trim()))];
  if (cited.length === 0) reasons.push("no_citation");
  for (const code of cited) if (!byCode.has(code)) reasons.push(`unknown_code:${code}`);
  for (const code of procedureCodes(input.answer)) {
    if (!byCode.has(code)) reasons.push(`unknown_code_in_text:${code}`);
  }
  const records = cited.flatMap((c) => {
    const p = byCode.get(c);
    return p ? [p] : [];
  });
  if (records.length === 0) return { passed: false, reasons: [...new Set(reasons)] };

  const facts = factsOf(records);
  for (const amount of new Set(moneyAmounts(input.answer))) {
    if (!facts.amounts.has(amount)) reasons.push(`amount_not_in_records:${formatAmount(amount)}`);
  }
  for (const t of timeLimits(input.answer)) {
    const key = timeKey(t);
    if (!facts.times.has(key)) reasons.push(`time_not_in_records:${key}`);
    else if (t.working && !facts.workingTimes.has(key)) {
      reasons.push(`working_days_not_in_records:${key}`);
    }
  }
  if (claimsFree(input.answer) && !facts.free) reasons.push("free_not_in_records");
  const allowed = new Set([...facts.urls, ...(options.allowedUrls ?? [])]);
  for (const url of urls(input.answer)) {
    if (!allowed.has(url)) reasons.push("url_not_in_records");
  }
  const documentWords = options.documentWords ?? 0.6;
  const documentPairs = options.documentPairs ?? 0.4;
  const textMatch = options.textMatch ?? 0.75;
  for (const mention of documentMentions(input.answer)) {
    const words = contentSyllables(mention);
    const pairs = syllableBigrams(mention);
    const listed = facts.documents.some(
      (d) =>
        containment(words, d.words) >= documentWords &&
        containment(pairs, d.pairs) >= documentPairs,
    );
    if (listed || containment(pairs, facts.pairs) >= textMatch) continue;
    reasons.push(`document_not_in_records:${mention.slice(0, 60)}`);
  }
  const unique = [...new Set(reasons)];
  return { passed: unique.length === 0, reasons: unique };
}
