/**
 * `POST /api/ask` `{ question }` → the AskResult: stateless questions for API users. The
 * question is cleaned (control characters, unpaired surrogates) and logged masked.
 */
import { z } from "zod";
import type { AskResult } from "../assistant/index.ts";
import type { QuestionRecord } from "../db/index.ts";
import { maskPersonalData, type Logger } from "../logger.ts";
import { HttpError } from "./errors.ts";
import { json, type Handler } from "./http.ts";

export type AskFunction = (question: string) => AskResult | Promise<AskResult>;

export const MAX_QUESTION_CHARS = 2000;

const MESSAGES = {
  invalid_request:
    'Cần gửi {"question": "..."} với câu hỏi là chuỗi ký tự. / Expected {"question": string}.',
  question_empty: "Vui lòng nhập câu hỏi. / The question is empty.",
  question_too_long: `Câu hỏi quá dài (tối đa ${MAX_QUESTION_CHARS.toLocaleString("en")} ký tự). / The question is too long (max ${MAX_QUESTION_CHARS.toLocaleString("en")} characters).`,
} as const;

const askBody = z.object({ question: z.string() });

/** C0/C1 control characters other than tab and line breaks, and unpaired surrogates. */
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g; // eslint-disable-line no-control-regex
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** What the assistant receives: no control characters, well-formed Unicode, trimmed. */
export function cleanQuestion(raw: string): string {
  return raw.replace(LONE_SURROGATE, "\uFFFD").replace(CONTROL_CHARS, " ").trim();
}

function parseQuestion(body: unknown): string {
  const parsed = askBody.safeParse(body);
  if (!parsed.success) throw new HttpError(400, "invalid_request", MESSAGES.invalid_request);
  const question = cleanQuestion(parsed.data.question);
  if (question === "") throw new HttpError(400, "question_empty", MESSAGES.question_empty);
  if ([...question].length > MAX_QUESTION_CHARS) {
    throw new HttpError(400, "question_too_long", MESSAGES.question_too_long);
  }
  return question;
}

export interface AskRouteOptions {
  ask: AskFunction;
  /** Called after each answered question; failures are logged, never shown to the citizen. */
  recordQuestion?: ((record: QuestionRecord) => void) | undefined;
  logger: Logger;
  now: () => Date;
}

export function createAskRoute({ ask, recordQuestion, logger, now }: AskRouteOptions): Handler {
  return async (c) => {
    const question = parseQuestion(c.var.body);
    const started = Date.now();
    let result: AskResult;
    try {
      result = await ask(question);
    } catch (err) {
      logger.error(
        { err, question: maskPersonalData(question), path: "/api/ask" },
        "assistant failed",
      );
      throw new HttpError(500, "internal_error");
    }
    const topCode = result.procedures[0]?.code ?? null;
    logger.info(
      {
        question: maskPersonalData(question),
        intent: result.intent,
        confidence: result.confidence,
        topCode,
        ms: Date.now() - started,
      },
      "question answered",
    );
    try {
      recordQuestion?.({
        askedAt: now(),
        channel: "web",
        question,
        intent: result.intent,
        topCode,
        confidence: result.confidence,
      });
    } catch (err) {
      logger.error({ err }, "could not record the question");
    }
    return json(result);
  };
}
