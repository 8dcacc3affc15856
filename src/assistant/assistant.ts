/**
 * The offline assistant (no LLM): intent rules, retrieval, then an answer composed from the
 * catalogue record. ask() never throws: any failure becomes a short apology.
 */
import type { Procedure } from "../catalogue/index.ts";
import type { AsyncRetriever, Retriever, SearchResult } from "../search/index.ts";
import { defaultAspectDetector, type AspectDetector } from "./aspect.ts";
import { pickChoices } from "./choices.ts";
import {
  DEFAULT_HOTLINE,
  DEFAULT_PAKN_URL,
  composeAmbiguous,
  composeMessage,
  composeProcedureAnswer,
  type ComposeContext,
} from "./compose.ts";
import { MAX_QUESTION_CHARS, prepareInput } from "./input.ts";
import { defaultIntentDetector, type IntentDetector } from "./intent.ts";
import { createNameIndex, nameWords, ownNameShield } from "./names.ts";
import { loadTemplates, type TemplateName, type Templates } from "./templates.ts";
import { foldAccents, syllables } from "../text/index.ts";
import { localDate } from "../calendar/index.ts";
import type { AskContext, AskResult, Aspect, Confidence, Intent, ProcedureRef } from "./types.ts";

export interface AssistantOptions {
  catalogue: readonly Procedure[];
  /** Lexical (sync) or hybrid (async) retrieval. */
  retriever: Retriever | AsyncRetriever;
  /** Default: prompts/answers/*.txt, loaded once when the assistant is created. */
  templates?: Templates;
  /** Default "1022" (Tổng đài dịch vụ công). */
  hotline?: string;
  /** Where citizens file a phản ánh, kiến nghị. Default: the national portal's PAKN page. */
  paknUrl?: string;
  /** Default: prompts/intents.json. */
  intents?: IntentDetector;
  /** Default: prompts/aspects.json. */
  aspects?: AspectDetector;
  /** Receives unexpected errors (retrieval failures…); the citizen only gets an apology. */
  onError?: (err: unknown) => void;
  /** The clock (default: the system's); fee reductions are shown while they apply. */
  now?: () => Date;
  /**
   * Splits words typed without their spaces before anything reads the question ("lam khaisinh o
   * dau" → "lam khai sinh o dau"): the text tools' `restorer.respace`. Default: read as typed.
   */
  respace?: (text: string) => string;
}

export interface Assistant {
  /** With `previousCode`, a procedure question is answered about that procedure (a follow-up). */
  ask(question: string, context?: AskContext): Promise<AskResult>;
  /** The answer about one procedure, e.g. after the citizen picked one of the choices. */
  answerFor(code: string, aspect?: Aspect): AskResult;
}

/** Results asked from the retriever and listed in AskResult.procedures. */
const SEARCH_LIMIT = 10;
const CODE_IN_TEXT = /(?:^|[^\d.])(\d\.\d{6})(?![\d])/;

export function createAssistant(opts: AssistantOptions): Assistant {
  const byCode = new Map(opts.catalogue.map((p) => [p.code, p] as const));
  const ctx: ComposeContext = {
    templates: opts.templates ?? loadTemplates(),
    hotline: opts.hotline ?? DEFAULT_HOTLINE,
    paknUrl: opts.paknUrl ?? DEFAULT_PAKN_URL,
    today: () => localDate((opts.now ?? (() => new Date()))()),
  };
  const intents = opts.intents ?? defaultIntentDetector();
  const aspects = opts.aspects ?? defaultAspectDetector();
  const report = (err: unknown) => {
    try {
      opts.onError?.(err);
    } catch {
      // a failing logger must not break the answer
    }
  };

  const names = createNameIndex(opts.catalogue);

  const toRef = (p: Procedure, score: number): ProcedureRef => ({
    code: p.code,
    name: p.name,
    level: p.levels[0] ?? "",
    ...(p.agencies[0] ? { agency: p.agencies[0] } : {}),
    url: p.url,
    score: Number.isFinite(score) ? score : 0,
  });

  /** What an answer is made of: records equal in all of it are one procedure to the citizen. */
  const answerKey = (p: Procedure) =>
    JSON.stringify([p.levels, p.agencies, p.documents, p.methods, p.steps, p.address]);

  /**
   * The records whose whole name the question holds, when retrieval agrees: one of them is
   * among its hits, nothing else of the question leans to another hit's name, and, when
   * retrieval ranked another record first, the question holds nothing but the name and what is
   * asked. Records equal
   * in every answered field count once. [] when the question names none.
   */
  function namedRecords(text: string, refs: readonly ProcedureRef[]): Procedure[] {
    const words = syllables(text);
    const codes = names.namedInFull(words);
    if (codes.length === 0 || !refs.some((r) => codes.includes(r.code))) return [];
    const named = codes.map((c) => byCode.get(c)).filter((p) => p !== undefined);
    const own = new Set(nameWords(named[0]?.name ?? ""));
    const rest = aspects
      .subjectWords(text)
      .map(foldAccents)
      .filter((w) => !own.has(w));
    const others = refs
      .slice(0, 5)
      .filter((r) => !codes.includes(r.code))
      .flatMap((r) => nameWords(r.name));
    if (rest.some((w) => others.includes(w))) return [];
    // Retrieval put another record first: overrule it only when the name is all there is.
    if (!codes.includes(refs[0]?.code ?? "") && rest.length > 0) return [];
    const distinct = new Map<string, Procedure>();
    for (const p of named) if (!distinct.has(answerKey(p))) distinct.set(answerKey(p), p);
    return [...distinct.values()];
  }

  function result(
    question: string,
    intent: Intent,
    aspect: Aspect,
    confidence: Confidence,
    answer: string,
    procedures: ProcedureRef[] = [],
    choices: ProcedureRef[] = [],
  ): AskResult {
    return { question, intent, aspect, confidence, answer, procedures, choices };
  }

  const message = (name: TemplateName) => composeMessage(name, ctx);

  function refsFrom(search: SearchResult): ProcedureRef[] {
    const seen = new Set<string>();
    const refs: ProcedureRef[] = [];
    for (const hit of search.hits ?? []) {
      const p = byCode.get(hit.code);
      if (!p || seen.has(p.code)) continue;
      seen.add(p.code);
      refs.push(toRef(p, hit.score));
      if (refs.length >= SEARCH_LIMIT) break;
    }
    return refs;
  }

  async function answerProcedure(
    question: string,
    text: string,
    prefix: string,
  ): Promise<AskResult> {
    let aspect = aspects.detectAspect(text, names.shield);
    const codeInText = CODE_IN_TEXT.exec(text)?.[1];
    const namedProcedure = codeInText ? byCode.get(codeInText) : undefined;
    if (namedProcedure) {
      const answer = composeProcedureAnswer(namedProcedure, aspect, ctx);
      return result(question, "procedure", aspect, "sure", prefix + answer, [
        toRef(namedProcedure, 1),
      ]);
    }

    let search: SearchResult;
    try {
      search = await opts.retriever.search(text, SEARCH_LIMIT);
    } catch (err) {
      report(err);
      return result(question, "procedure", aspect, "not_found", prefix + message("error"));
    }
    let refs = refsFrom(search);
    let confidence: Confidence = refs.length === 0 ? "not_found" : search.confidence;
    const named = namedRecords(text, refs);
    if (named.length > 0) {
      // Named in full: that procedure, or a choice between the records bearing its name.
      const ranked = named.map((p) => toRef(p, refs.find((r) => r.code === p.code)?.score ?? 1));
      refs = [...ranked, ...refs.filter((r) => !named.some((p) => p.code === r.code))];
      confidence = named.length === 1 ? "sure" : "ambiguous";
      if (named.length > 1) {
        const choices = ranked.slice(0, 4);
        const answer = composeAmbiguous(choices, ctx);
        return result(question, "procedure", aspect, confidence, prefix + answer, refs, choices);
      }
    }

    // An off-topic subject (weather, football, lottery…) with no procedure word wins over
    // retrieval, which always finds some procedure sharing a word or two.
    if (intents.looksOutOfScope(text, names.shield)) {
      return result(
        question,
        "out_of_scope",
        aspect,
        confidence,
        prefix + message("out-of-scope"),
        refs,
      );
    }
    if (confidence === "not_found") {
      return result(
        question,
        "out_of_scope",
        aspect,
        "not_found",
        prefix + message("not-found"),
        refs,
      );
    }
    const best = refs[0] && byCode.get(refs[0].code);
    if (!best) {
      return result(question, "out_of_scope", aspect, "not_found", prefix + message("not-found"));
    }
    // What is asked comes from the words around the procedure's name, not from inside it.
    aspect = aspects.detectAspect(text, ownNameShield(best.name));
    if (confidence === "ambiguous") {
      const choices = pickChoices(refs);
      if (choices.length >= 2) {
        const answer = composeAmbiguous(choices, ctx);
        return result(question, "procedure", aspect, confidence, prefix + answer, refs, choices);
      }
      const answer = `${composeProcedureAnswer(best, aspect, ctx)}\n\n${message("unsure")}`;
      return result(question, "procedure", aspect, confidence, prefix + answer, refs);
    }
    const answer = composeProcedureAnswer(best, aspect, ctx);
    return result(question, "procedure", aspect, confidence, prefix + answer, refs);
  }

  async function ask(raw: string, context: AskContext = {}): Promise<AskResult> {
    const input = prepareInput(raw);
    try {
      if (!input.hasContent) {
        return result(input.question, "out_of_scope", "overview", "not_found", message("empty"));
      }
      const prefix = input.truncated
        ? `${composeMessage("truncated", ctx, { limit: MAX_QUESTION_CHARS.toLocaleString("vi-VN") })}\n\n`
        : "";
      const text = opts.respace ? opts.respace(input.text) : input.text;
      const match = intents.detect(text, names.shield);
      if (match) {
        const name: TemplateName = match.rule === "thanks" ? "thanks" : match.intent;
        return result(
          input.question,
          match.intent,
          "overview",
          "not_found",
          prefix + message(name),
        );
      }
      const previous = context.previousCode ? byCode.get(context.previousCode.trim()) : undefined;
      if (previous) {
        const aspect = aspects.detectAspect(text);
        const answer = composeProcedureAnswer(previous, aspect, ctx);
        return result(input.question, "procedure", aspect, "sure", prefix + answer, [
          toRef(previous, 1),
        ]);
      }
      return await answerProcedure(input.question, text, prefix);
    } catch (err) {
      report(err);
      return result(input.question, "procedure", "overview", "not_found", message("error"));
    }
  }

  function answerFor(code: string, aspect: Aspect = "overview"): AskResult {
    const clean = typeof code === "string" ? code.trim() : "";
    try {
      const p = byCode.get(clean);
      if (!p) {
        const answer = composeMessage("unknown-code", ctx, { code: clean.slice(0, 20) });
        return result(clean, "out_of_scope", aspect, "not_found", answer);
      }
      const answer = composeProcedureAnswer(p, aspect, ctx);
      return result(clean, "procedure", aspect, "sure", answer, [toRef(p, 1)]);
    } catch (err) {
      report(err);
      return result(clean, "procedure", aspect, "not_found", message("error"));
    }
  }

  return { ask, answerFor };
}
