/**
 * Reading what the user sent: cleaned text, slash commands and button actions. Nothing here
 * throws; anything unreadable is treated as "no text" or an unknown action.
 */
import { folded } from "../text/index.ts";

export { folded };

/** Longest text read at all (a complaint may hold 4,000 characters; the rest is cut first). */
export const MAX_INPUT_CHARS = 20_000;
/** Button data longer than this is not ours. */
export const MAX_ACTION_CHARS = 64;

const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g; // eslint-disable-line no-control-regex
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** NFC, no control characters, well-formed, trimmed, at most MAX_INPUT_CHARS. */
export function cleanInput(raw: unknown, max = MAX_INPUT_CHARS): string {
  if (typeof raw !== "string") return "";
  return raw
    .slice(0, max)
    .replace(LONE_SURROGATE, "\uFFFD")
    .replace(CONTROL_CHARS, " ")
    .normalize("NFC")
    .trim();
}

/** Characters as a reader counts them. */
export const charCount = (text: string): number => Array.from(text).length;

export const hasContent = (text: string): boolean => /[\p{L}\p{N}]/u.test(text);

export type CommandName =
  "start" | "help" | "status" | "complaint" | "proposal" | "handoff" | "cancel" | "unknown";

export interface Command {
  name: CommandName;
  /** What the user wrote after /command, e.g. "/trangthai PAKN-2026-000001" → the ref. */
  args: string;
  /** The command as typed (for "unknown command" replies), at most 32 characters. */
  raw: string;
}

const COMMANDS: Record<string, CommandName> = {
  start: "start",
  batdau: "start",
  help: "help",
  trogiup: "help",
  huongdan: "help",
  trangthai: "status",
  tracuu: "status",
  phananh: "complaint",
  gopy: "complaint",
  kiennghi: "proposal",
  hotro: "handoff",
  nguoithat: "handoff",
  tongdai: "handoff",
  huy: "cancel",
  cancel: "cancel",
};

/** "/trangthai@motcua_bot PAKN-…" → { name: "status", args: "PAKN-…" }; null when not a command. */
export function parseCommand(text: string): Command | null {
  const m = /^\/([\p{L}\p{N}_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s+([\s\S]*))?$/u.exec(text);
  if (!m) return null;
  const word = folded(m[1] ?? "").replace(/ /g, "");
  return { name: COMMANDS[word] ?? "unknown", args: (m[2] ?? "").trim(), raw: `/${m[1]}` };
}

export type Action =
  | { type: "pick"; code: string }
  | { type: "rate"; rating: "up" | "down"; answerId: number }
  | { type: "rate-skip" }
  | { type: "fb-send" | "fb-edit" | "fb-cancel"; draftId: string }
  | { type: "fb-last" | "fb-skip" }
  | { type: "fb-field"; field: "text" | "subject" | "contact" }
  | { type: "status"; ref: string }
  | { type: "command"; name: "complaint" | "status" | "handoff" | "help" }
  | { type: "invalid" };

const ACTION_COMMANDS = {
  phananh: "complaint",
  trangthai: "status",
  hotro: "handoff",
  help: "help",
} as const;

/** Button data → action. README "Conversations" lists them. */
export function parseAction(raw: unknown): Action {
  if (typeof raw !== "string" || raw.length > MAX_ACTION_CHARS) return { type: "invalid" };
  let m: RegExpExecArray | null;
  if ((m = /^pick:(\d\.\d{6})$/.exec(raw))) return { type: "pick", code: m[1]! };
  if ((m = /^rate:(up|down):(\d{1,12})$/.exec(raw))) {
    return { type: "rate", rating: m[1] as "up" | "down", answerId: Number(m[2]) };
  }
  if (raw === "rate:skip") return { type: "rate-skip" };
  if ((m = /^fb:(send|edit|cancel):([a-z0-9]{1,16})$/.exec(raw))) {
    return { type: `fb-${m[1] as "send" | "edit" | "cancel"}`, draftId: m[2]! };
  }
  if (raw === "fb:last") return { type: "fb-last" };
  if (raw === "fb:skip") return { type: "fb-skip" };
  if ((m = /^fb:field:(text|subject|contact)$/.exec(raw))) {
    return { type: "fb-field", field: m[1] as "text" | "subject" | "contact" };
  }
  if ((m = /^status:(PAKN-\d{4}-\d{6,9})$/.exec(raw))) return { type: "status", ref: m[1]! };
  if ((m = /^cmd:(phananh|trangthai|hotro|help)$/.exec(raw))) {
    return { type: "command", name: ACTION_COMMANDS[m[1] as keyof typeof ACTION_COMMANDS] };
  }
  return { type: "invalid" };
}

const REF_IN_TEXT = /(?<![A-Za-z0-9])PAKN-(\d{4})-(\d{6,9})(?![0-9])/i;
/** Citizen tokens are 32 base64url characters; accept a little either side. */
const TOKEN_WORD = /^[A-Za-z0-9_-]{20,64}$/;

/** A PAKN reference anywhere in the text, upper-cased; null when none. */
export function findRef(text: string): string | null {
  const m = REF_IN_TEXT.exec(text);
  return m ? `PAKN-${m[1]}-${m[2]}` : null;
}

/** A word that looks like a citizen token (not the reference itself); null when none. */
export function findToken(text: string): string | null {
  for (const word of text.split(/\s+/)) {
    if (TOKEN_WORD.test(word) && !REF_IN_TEXT.test(word)) return word;
  }
  return null;
}

/** A bare choice number ("2", "số 2", "2.") → 2; null otherwise. */
export function choiceNumber(text: string): number | null {
  const m = /^(?:so|chon|lua chon)?\s*(\d{1,3})$/.exec(folded(text));
  return m ? Number(m[1]) : null;
}

/** A bare procedure code ("1.001193", "mã 1.001193") → the code; null otherwise. */
export function bareCode(text: string): string | null {
  const m = /^(?:(?:mã|ma)\s*(?:số|so)?\s*:?\s*)?(\d\.\d{6})\.?$/iu.exec(text.trim());
  return m ? m[1]! : null;
}
