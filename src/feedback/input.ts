/**
 * What a citizen (or the assistant on their behalf) files, and what a rating holds: validated and
 * cleaned here, with a FeedbackInputError naming the field for anything wrong.
 */
import { visibleText } from "../text/index.ts";
import { FeedbackInputError } from "./errors.ts";

export const MAX_TEXT_CHARS = 4000;
export const MIN_TEXT_CHARS = 10;
export const MAX_CONTACT_CHARS = 200;
export const MAX_AGENCY_CHARS = 300;
export const MAX_NOTE_CHARS = 2000;
export const MAX_COMMENT_CHARS = 1000;

/** C0/C1 control characters other than tab and line breaks, and unpaired surrogates. */
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g; // eslint-disable-line no-control-regex
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** NFC, no control characters, well-formed Unicode, trimmed. */
export function cleanText(raw: string): string {
  return raw.replace(LONE_SURROGATE, "\uFFFD").replace(CONTROL_CHARS, " ").normalize("NFC").trim();
}

/** Characters as a reader counts them (code points, not UTF-16 units). */
export function charCount(text: string): number {
  return Array.from(text).length;
}

const CHANNEL = /^[a-z][a-z0-9_-]{0,31}$/;
const USER_ID = /^[\p{L}\p{N}_.:@-]{1,128}$/u;
const PROCEDURE_CODE = /^\d\.\d{6}$/;

export type FeedbackKind = "complaint" | "proposal";

export interface FileCaseInput {
  /** Phản ánh (complaint) or kiến nghị (proposal). Default complaint. */
  kind?: FeedbackKind;
  /** "web", "telegram", "zalo", "hotline"… */
  channel: string;
  /** Pseudonymous id of the citizen within the channel (never a phone number or CCCD). */
  userId: string;
  text: string;
  contact?: string | null;
  procedureCode?: string | null;
  /** The office the citizen names; used for routing only when no procedure decides it. */
  agency?: string | null;
}

export interface CleanFileCaseInput {
  kind: FeedbackKind;
  channel: string;
  userId: string;
  text: string;
  contact: string | null;
  procedureCode: string | null;
  agency: string | null;
}

function fail(code: string, field: string, message: string): never {
  throw new FeedbackInputError(code, field, message);
}

function optionalText(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") fail("invalid_field", field, `${field} must be a string`);
  const text = cleanText(value);
  if (text === "") return null;
  if (charCount(text) > max)
    fail(`${field}_too_long`, field, `${field} is longer than ${max} characters`);
  return text;
}

export function requireText(value: unknown, field: string, max: number, min = 1): string {
  if (typeof value !== "string") fail("invalid_field", field, `${field} must be a string`);
  const text = cleanText(value);
  if (visibleText(text).trim() === "") fail(`${field}_empty`, field, `${field} is empty`);
  const n = charCount(visibleText(text));
  if (n > max) fail(`${field}_too_long`, field, `${field} is longer than ${max} characters (${n})`);
  if (n < min) fail(`${field}_too_short`, field, `${field} is shorter than ${min} characters`);
  return text;
}

export function checkChannelAndUser(channel: unknown, userId: unknown): void {
  if (typeof channel !== "string" || !CHANNEL.test(channel)) {
    fail("invalid_field", "channel", "channel must be a short lowercase name");
  }
  if (typeof userId !== "string" || !USER_ID.test(userId)) {
    fail("invalid_field", "userId", "userId must be 1–128 letters, digits or _.:@-");
  }
}

export function validateFileCase(input: FileCaseInput): CleanFileCaseInput {
  const kind = input.kind ?? "complaint";
  if (kind !== "complaint" && kind !== "proposal") {
    fail("invalid_field", "kind", 'kind must be "complaint" or "proposal"');
  }
  checkChannelAndUser(input.channel, input.userId);
  const text = requireText(input.text, "text", MAX_TEXT_CHARS, MIN_TEXT_CHARS);
  const procedureCode = optionalText(input.procedureCode, "procedureCode", 16);
  if (procedureCode !== null && !PROCEDURE_CODE.test(procedureCode)) {
    fail("invalid_procedure_code", "procedureCode", "procedureCode must look like 1.001193");
  }
  return {
    kind,
    channel: input.channel,
    userId: input.userId,
    text,
    contact: optionalText(input.contact, "contact", MAX_CONTACT_CHARS),
    procedureCode,
    agency: optionalText(input.agency, "agency", MAX_AGENCY_CHARS),
  };
}

export { optionalText as cleanOptionalText };
