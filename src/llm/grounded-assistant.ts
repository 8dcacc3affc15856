/**
 * The LLM path around the offline assistant. The offline assistant decides intent, retrieval and
 * confidence; only procedure questions with retrieved records go to the model, with the records'
 * structured fields. The model's answer reaches the citizen only when it passes the grounding
 * checks; otherwise, and on any timeout or error, the offline answer does. ask() never throws.
 */
import type { Assistant } from "../assistant/index.ts";
import type { AskResult, Confidence, ProcedureRef } from "../assistant/index.ts";
import type { Procedure } from "../catalogue/index.ts";
import { maskPersonalData } from "../logger.ts";
import { callModel } from "./call.ts";
import { LlmCallError, LlmOutputError } from "./errors.ts";
import { checkGrounding } from "./grounding.ts";
import type { ChatModelLike } from "./model.ts";
import { parseModelAnswer } from "./output.ts";
import { buildMessages, loadLlmPrompts, renderSources, type LlmPrompts } from "./prompts.ts";
import { toPromptRecord } from "./records.ts";
import type { AskContext, GroundedAssistant, LlmLogger, LlmOutcome } from "./types.ts";

export const DEFAULT_LLM_TIMEOUT_MS = 8000;
/** Records given to the model: the best ones retrieval found. */
export const DEFAULT_MAX_RECORDS = 3;
/** Longest model answer shown (before the source lines). */
export const MAX_LLM_ANSWER_CHARS = 1500;
/** After this many failed calls in a row the model is not asked for BREAKER_PAUSE_MS. */
export const BREAKER_FAILURES = 3;
export const BREAKER_PAUSE_MS = 60_000;

export interface GroundedAssistantOptions {
  offline: Assistant;
  catalogue: readonly Procedure[];
  chat: ChatModelLike;
  /** Budget of one model call. Default 8 s. */
  timeoutMs?: number;
  logger?: LlmLogger;
  now?: () => Date;
  /** Default: prompts/llm/, loaded once. */
  prompts?: LlmPrompts;
  maxRecords?: number;
  /** URLs an answer may hold besides the cited records' portal pages. */
  allowedUrls?: readonly string[];
  /** Called once per question with what the LLM path did. */
  onOutcome?: (outcome: LlmOutcome) => void;
}

const HAS_CONTENT = /[\p{L}\p{N}]/u;

/** Cut at a line or sentence end before `max`, with "…". */
export function clipAnswer(text: string, max = MAX_LLM_ANSWER_CHARS): string {
  const clean = text.replace(/\r\n?/g, "\n").trim();
  if (clean.length <= max) return clean;
  const head = clean.slice(0, max - 1);
  const cut = Math.max(head.lastIndexOf("\n"), head.lastIndexOf(". "));
  return `${(cut > max * 0.5 ? head.slice(0, cut + 1) : head).trimEnd()}…`;
}

/** Cited procedures first (in the order cited), then the others as retrieval ranked them. */
function citedFirst(refs: readonly ProcedureRef[], cited: readonly string[]): ProcedureRef[] {
  const rank = (code: string) => {
    const i = cited.indexOf(code);
    return i < 0 ? cited.length : i;
  };
  return [...refs].sort((a, b) => rank(a.code) - rank(b.code));
}

export function createGroundedAssistant(opts: GroundedAssistantOptions): GroundedAssistant {
  const byCode = new Map(opts.catalogue.map((p) => [p.code, p] as const));
  const prompts = opts.prompts ?? loadLlmPrompts();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS;
  const maxRecords = opts.maxRecords ?? DEFAULT_MAX_RECORDS;
  const now = opts.now ?? (() => new Date());
  let failures = 0;
  let pausedUntil = 0;

  const report = (outcome: LlmOutcome) => {
    try {
      opts.onOutcome?.(outcome);
    } catch {
      // a failing observer must not break the answer
    }
  };
  const log = (level: "info" | "warn", obj: object, msg: string) => {
    try {
      opts.logger?.[level](obj, msg);
    } catch {
      // idem
    }
  };

  const offlineResult = (r: AskResult, extra: Partial<AskResult> = {}): AskResult => ({
    ...r,
    ...extra,
    source: "offline",
  });

  function skip(r: AskResult, reason: "not_procedure" | "not_found" | "breaker_open"): AskResult {
    report({ kind: "skipped", reason });
    return offlineResult(r);
  }

  function recordsOf(refs: readonly ProcedureRef[]): Procedure[] {
    return refs.slice(0, maxRecords).flatMap((r) => {
      const p = byCode.get(r.code);
      return p ? [p] : [];
    });
  }

  function failed(reason: string, fallback: AskResult, started: number, status?: number) {
    failures++;
    if (failures >= BREAKER_FAILURES) pausedUntil = now().getTime() + BREAKER_PAUSE_MS;
    const ms = now().getTime() - started;
    log("warn", { llm: "error", reason, ...(status ? { status } : {}), ms }, "LLM call failed");
    report({ kind: "error", reason, ms });
    return offlineResult(fallback);
  }

  async function viaModel(
    question: string,
    fallback: AskResult,
    records: readonly Procedure[],
    confidence: Exclude<Confidence, "not_found">,
    previousCode?: string,
  ): Promise<AskResult> {
    if (now().getTime() < pausedUntil) return skip(fallback, "breaker_open");
    const started = now().getTime();
    let reply;
    try {
      const messages = buildMessages(prompts, {
        records: records.map((p) => toPromptRecord(p)),
        question,
        aspect: fallback.aspect,
        confidence,
        ...(previousCode ? { previousCode } : {}),
      });
      reply = parseModelAnswer(await callModel(opts.chat, messages, timeoutMs));
    } catch (err) {
      if (err instanceof LlmCallError) {
        const reason = err.reason === "http" ? `http_${err.status}` : err.reason;
        return failed(reason, fallback, started, err.status);
      }
      if (err instanceof LlmOutputError) return failed(`output_${err.reason}`, fallback, started);
      return failed("unexpected", fallback, started);
    }
    failures = 0;
    const ms = now().getTime() - started;
    if (reply.completeness === "no_information") {
      log("info", { llm: "no_information", ms }, "LLM found no answer in the records");
      report({ kind: "no_information", ms });
      return offlineResult(fallback);
    }
    const answer = clipAnswer(reply.answer);
    const grounding = checkGrounding(
      { answer, citedCodes: reply.citedCodes },
      records,
      opts.allowedUrls ? { allowedUrls: opts.allowedUrls } : {},
    );
    if (!grounding.passed) {
      const reasons = grounding.reasons.map((r) => maskPersonalData(r));
      log(
        "warn",
        { llm: "rejected", reasons, codes: records.map((p) => p.code), ms },
        "LLM answer rejected by the grounding checks",
      );
      report({ kind: "rejected", reasons, ms });
      return offlineResult(fallback, { grounding: { passed: false, reasons } });
    }
    const cited = [...new Set(reply.citedCodes.map((c) => c.trim()))];
    const citedRecords = cited.flatMap((c) => {
      const p = byCode.get(c);
      return p ? [p] : [];
    });
    const sources = renderSources(
      prompts,
      citedRecords.map((p) => ({ name: p.name, code: p.code, url: p.url })),
    );
    log("info", { llm: "answered", codes: cited, ms }, "LLM answer shown");
    report({ kind: "answered", codes: cited, ms });
    return {
      ...fallback,
      answer: `${answer}\n\n${sources}`,
      procedures: citedFirst(fallback.procedures, cited),
      source: "llm",
      grounding: { passed: true, reasons: [] },
    };
  }

  async function ask(question: string, context: AskContext = {}): Promise<AskResult> {
    const offline = await opts.offline.ask(question);
    try {
      const previous = context.previousCode ? byCode.get(context.previousCode.trim()) : undefined;
      const followUp =
        previous !== undefined &&
        HAS_CONTENT.test(question) &&
        (offline.intent === "procedure" ||
          (offline.intent === "out_of_scope" && offline.confidence === "not_found"));
      if (previous && followUp) {
        const fallback = { ...opts.offline.answerFor(previous.code, offline.aspect) };
        fallback.question = offline.question;
        return await viaModel(question, fallback, [previous], "sure", previous.code);
      }
      if (offline.intent !== "procedure") return skip(offline, "not_procedure");
      if (offline.confidence === "not_found") return skip(offline, "not_found");
      const records = recordsOf(offline.procedures);
      if (records.length === 0) return skip(offline, "not_found");
      return await viaModel(question, offline, records, offline.confidence);
    } catch (err) {
      log("warn", { llm: "error", reason: "unexpected", err }, "LLM path failed");
      report({ kind: "error", reason: "unexpected", ms: 0 });
      return offlineResult(offline);
    }
  }

  return {
    ask,
    answerFor: (code, aspect) => offlineResult(opts.offline.answerFor(code, aspect)),
  };
}
