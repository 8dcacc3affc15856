/**
 * Structured logs with pino. Secrets are redacted by key; personal data in user text is masked
 * with `maskPersonalData` before it is logged or stored.
 */
import pino from "pino";

export type Logger = pino.Logger;

/** Keys whose values never reach the logs, at the top level and one or two levels down. */
const SECRET_KEYS = [
  "token",
  "botToken",
  "accessToken",
  "refreshToken",
  "apiKey",
  "api_key",
  "secret",
  "secretToken",
  "password",
  "authorization",
  "cookie",
  "EMBEDDINGS_API_KEY",
];

export const REDACT_PATHS: string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'req.headers["x-telegram-bot-api-secret-token"]',
  'headers["x-telegram-bot-api-secret-token"]',
];

/** Secrets that can hide inside free text (error messages, URLs). */
const SECRET_TEXT_PATTERNS: [RegExp, string][] = [
  [/(?<!\d)\d{6,12}:[A-Za-z0-9_-]{30,}/g, "[redacted-bot-token]"], // Telegram bot token
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 [redacted]"],
  [/\bsk-[A-Za-z0-9_-]{16,}\b/g, "[redacted-key]"], // OpenAI-style API keys
  [/([?&](?:access_token|api_key|apikey|key|token)=)[^&\s]+/gi, "$1[redacted]"],
];

export function scrubSecrets(text: string): string {
  return SECRET_TEXT_PATTERNS.reduce((t, [re, by]) => t.replace(re, by), text);
}

/** Anchored at the start of the local part, so a long run of letters is scanned once, not n² times. */
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
/** CCCD: 12 digits, plain or in groups of three (001 203 004 567). */
const CCCD = /(?<![\p{N}])(?:\d{12}|\d{3}(?: \d{3}){3})(?![\p{N}])/gu;
/**
 * Vietnamese phone numbers: 0 + 9 digits (mobile) or 0 + 10 digits (landline 02x), or the same
 * after +84 / 84 / 0084, with spaces, dots or dashes between digits.
 */
const PHONE = /(?<![\p{N}+])(?:(?:\+|00)?84[\s.-]?|0)(?:[\s.-]?\d){9,10}(?![\p{N}])/gu;
/** CMND: 9 digits. */
const CMND = /(?<![\p{N}])\d{9}(?![\p{N}])/gu;

/**
 * Masks Vietnamese phone numbers, CCCD (12 digits) / CMND (9 digits) numbers and e-mail addresses
 * in user text. Masking errs on the side of hiding: a 9–12 digit number is hidden too.
 */
export function maskPersonalData(text: string): string {
  return text
    .replace(EMAIL, "[email]")
    .replace(CCCD, "[id-number]")
    .replace(PHONE, "[phone]")
    .replace(CMND, "[id-number]");
}

export interface LoggerOptions {
  level: string;
  /** Where lines go; stdout by default. Tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
  /** Extra fields on every line. */
  base?: Record<string, unknown>;
}

function serializeError(err: unknown): Record<string, unknown> {
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  if (typeof out.message === "string") out.message = scrubSecrets(out.message);
  if (typeof out.stack === "string") out.stack = scrubSecrets(out.stack);
  return out;
}

export function createLogger(options: LoggerOptions): Logger {
  const pinoOptions: pino.LoggerOptions = {
    level: options.level,
    base: { app: "motcua", ...options.base },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    serializers: { err: serializeError, error: serializeError },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
