/**
 * The HTTP server (node:http, no framework): the web chat page, `GET /healthz` and
 * `POST /api/ask`. Every error is JSON `{ error: { code, message } }`; citizens get a short
 * Vietnamese (+ English) message, the log gets the details.
 */
import http from "node:http";
import { z } from "zod";
import type { AskResult } from "../assistant/types.ts";
import type { QuestionRecord } from "../db/questions.ts";
import { maskPersonalData, type Logger } from "../logger.ts";
import { loadPageAssets, PAGE_CSP, type PageAssets } from "./page.ts";

export type AskFunction = (question: string) => AskResult | Promise<AskResult>;

export interface ServerDeps {
  /** The assistant: a function, or an object with `ask` (as `createAssistant` returns). */
  ask: AskFunction | { ask: AskFunction };
  /** Called after each answered question; failures are logged, never shown to the citizen. */
  recordQuestion?: (record: QuestionRecord) => void;
  logger: Logger;
  now?: () => Date;
  /** What `GET /healthz` adds to `{ ok: true }`. */
  health?: () => object;
  /** Defaults to the files in ./static. */
  assets?: PageAssets;
  /**
   * Handlers for paths outside the table below (e.g. src/web/feedback-routes.ts), tried in order;
   * each returns false when the request is not its own. HttpErrors they throw become JSON errors.
   */
  extraRoutes?: readonly ExtraRoute[];
}

export type ExtraRoute = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  path: string,
) => Promise<boolean> | boolean;

export const MAX_BODY_BYTES = 16 * 1024;
export const MAX_QUESTION_CHARS = 2000;

export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const MESSAGES = {
  not_found: "Không tìm thấy trang này. / Not found.",
  method_not_allowed: "Phương thức không được hỗ trợ. / Method not allowed.",
  unsupported_media_type:
    "Nội dung phải là JSON (Content-Type: application/json). / Content-Type must be application/json.",
  payload_too_large: `Yêu cầu quá lớn (tối đa ${MAX_BODY_BYTES / 1024} KB). / Request body too large (max ${MAX_BODY_BYTES / 1024} KB).`,
  invalid_json: "Nội dung JSON không hợp lệ. / Malformed JSON body.",
  invalid_request:
    'Cần gửi {"question": "..."} với câu hỏi là chuỗi ký tự. / Expected {"question": string}.',
  question_empty: "Vui lòng nhập câu hỏi. / The question is empty.",
  question_too_long: `Câu hỏi quá dài (tối đa ${MAX_QUESTION_CHARS.toLocaleString("en")} ký tự). / The question is too long (max ${MAX_QUESTION_CHARS.toLocaleString("en")} characters).`,
  internal_error:
    "Xin lỗi, hệ thống đang gặp sự cố. Vui lòng thử lại sau hoặc gọi Tổng đài 1022. / Sorry, something went wrong. Please try again later.",
} as const;

const askBodySchema = z.object({ question: z.string() });

const COMMON_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
};

const API_HEADERS: Record<string, string> = {
  ...COMMON_HEADERS,
  "Content-Type": "application/json; charset=utf-8",
  "Cache-Control": "no-store",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
};

/** C0/C1 control characters other than tab and line breaks, and unpaired surrogates. */
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g; // eslint-disable-line no-control-regex
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** What the assistant receives: no control characters, well-formed Unicode, trimmed. */
export function cleanQuestion(raw: string): string {
  return raw.replace(LONE_SURROGATE, "\uFFFD").replace(CONTROL_CHARS, " ").trim();
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

export function createServer(deps: ServerDeps): http.Server {
  const { logger, recordQuestion } = deps;
  const now = deps.now ?? (() => new Date());
  const ask: AskFunction = typeof deps.ask === "function" ? deps.ask : deps.ask.ask.bind(deps.ask);
  const assets = deps.assets ?? loadPageAssets();

  const staticRoute =
    (body: string, type: string, extra: Record<string, string> = {}): Handler =>
    (_req, res) => {
      send(res, 200, body, {
        ...COMMON_HEADERS,
        "Content-Type": type,
        "Cache-Control": "no-cache",
        ...extra,
      });
    };

  const routes: Record<string, Partial<Record<string, Handler>>> = {
    "/": {
      GET: staticRoute(assets.html, "text/html; charset=utf-8", {
        "Content-Security-Policy": PAGE_CSP,
      }),
    },
    "/chat.js": { GET: staticRoute(assets.js, "text/javascript; charset=utf-8") },
    "/chat.css": { GET: staticRoute(assets.css, "text/css; charset=utf-8") },
    "/healthz": { GET: (_req, res) => sendJson(res, 200, { ok: true, ...deps.health?.() }) },
    "/api/ask": { POST: handleAsk },
  };

  async function handleAsk(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const question = parseQuestion(await readJsonBody(req));
    const started = Date.now();
    let result: AskResult;
    try {
      result = await ask(question);
    } catch (err) {
      logger.error(
        { err, question: maskPersonalData(question), path: "/api/ask" },
        "assistant failed",
      );
      throw new HttpError(500, "internal_error", MESSAGES.internal_error);
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
    if (recordQuestion) {
      try {
        recordQuestion({
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
    }
    sendJson(res, 200, result);
  }

  const server = http.createServer((req, res) => {
    const started = Date.now();
    res.on("finish", () => {
      logger.debug(
        { method: req.method, path: pathOf(req), status: res.statusCode, ms: Date.now() - started },
        "request",
      );
    });
    void route(req, res);
  });

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const path = pathOf(req);
      const methods = routes[path];
      if (!methods) {
        for (const extra of deps.extraRoutes ?? []) if (await extra(req, res, path)) return;
        throw new HttpError(404, "not_found", MESSAGES.not_found);
      }
      const method = req.method === "HEAD" && methods.GET ? "GET" : (req.method ?? "");
      const handler = methods[method];
      if (!handler) {
        const allow = Object.keys(methods).flatMap((m) => (m === "GET" ? ["GET", "HEAD"] : [m]));
        throw new HttpError(405, "method_not_allowed", MESSAGES.method_not_allowed, {
          Allow: allow.join(", "),
        });
      }
      await handler(req, res);
    } catch (err) {
      if (err instanceof HttpError) {
        if (err.status >= 500) logger.warn({ code: err.code }, "request failed");
        sendError(res, err);
      } else {
        logger.error({ err, method: req.method, path: pathOf(req) }, "unhandled error");
        sendError(res, new HttpError(500, "internal_error", MESSAGES.internal_error));
      }
    }
  }

  // A slow client must not hold a socket forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return server;
}

function pathOf(req: http.IncomingMessage): string {
  try {
    return new URL(req.url ?? "/", "http://localhost").pathname;
  } catch {
    return "/";
  }
}

function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const [type = "", ...params] = header.split(";").map((p) => p.trim().toLowerCase());
  if (type !== "application/json") return false;
  const charset = params.find((p) => p.startsWith("charset="));
  return !charset || /^charset="?utf-8"?$/.test(charset);
}

function tooLargeError(maxBytes: number): HttpError {
  const message =
    maxBytes === MAX_BODY_BYTES
      ? MESSAGES.payload_too_large
      : `Yêu cầu quá lớn (tối đa ${Math.ceil(maxBytes / 1024)} KB). / Request body too large (max ${Math.ceil(maxBytes / 1024)} KB).`;
  return new HttpError(413, "payload_too_large", message, { Connection: "close" });
}

/** Reads the whole body as bytes, at most `maxBytes`; past that, stops buffering and answers 413. */
export async function readRawBody(
  req: http.IncomingMessage,
  maxBytes: number = MAX_BODY_BYTES,
): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLargeError(maxBytes);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        req.pause();
        reject(tooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/** A JSON body of at most `maxBytes` (default MAX_BODY_BYTES): 415, 413 or 400 otherwise. */
export async function readJsonBody(
  req: http.IncomingMessage,
  maxBytes: number = MAX_BODY_BYTES,
): Promise<unknown> {
  if (!isJsonContentType(req.headers["content-type"])) {
    throw new HttpError(415, "unsupported_media_type", MESSAGES.unsupported_media_type);
  }
  const text = (await readRawBody(req, maxBytes)).toString("utf8");
  try {
    return JSON.parse(text.replace(/^\uFEFF/, "")) as unknown;
  } catch {
    throw new HttpError(400, "invalid_json", MESSAGES.invalid_json);
  }
}

function parseQuestion(body: unknown): string {
  const parsed = askBodySchema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, "invalid_request", MESSAGES.invalid_request);
  const question = cleanQuestion(parsed.data.question);
  if (question === "") throw new HttpError(400, "question_empty", MESSAGES.question_empty);
  if ([...question].length > MAX_QUESTION_CHARS) {
    throw new HttpError(400, "question_too_long", MESSAGES.question_too_long);
  }
  return question;
}

function send(
  res: http.ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, "Content-Length": String(Buffer.byteLength(body)) });
  res.end(body);
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  send(res, status, JSON.stringify(value), { ...API_HEADERS, ...headers });
}

function sendError(res: http.ServerResponse, err: HttpError): void {
  send(res, err.status, JSON.stringify({ error: { code: err.code, message: err.message } }), {
    ...API_HEADERS,
    ...err.headers,
  });
  if (err.headers.Connection === "close") {
    // Stop reading an oversized body: once the answer is out, drop the connection.
    res.once("finish", () => res.req.socket?.destroySoon());
  }
}
