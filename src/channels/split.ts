/**
 * Splitting long answers into messages a platform accepts, without breaking words or links.
 *
 * Messages are sent as plain text (no Markdown/HTML parse mode), so nothing needs escaping: what
 * the dialogue core wrote is what the citizen sees, `<`, `*` and `_` included.
 */

/** Telegram: 1–4096 characters of message text (counted here in UTF-16 units, which is safe). */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** Zalo OA customer-service messages: at most 2,000 characters of text. */
export const ZALO_TEXT_LIMIT = 2000;

const SPACE = /\s/u;
const MARK = /\p{M}/u;

/**
 * Splits `text` into pieces of at most `limit` UTF-16 units. Cuts fall, by preference, at a
 * blank line, a line break, a sentence end, or a space, never inside a word: URLs hold no white
 * space, so a link is never cut — unless a single word or link is itself longer than `limit`, in
 * which case it is cut hard (never inside a surrogate pair or before a combining mark). White space
 * at the cuts is dropped; empty or blank text gives no pieces.
 */
export function splitMessage(text: string, limit: number): string[] {
  if (!Number.isInteger(limit) || limit < 16) throw new RangeError("limit must be ≥ 16");
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const cut = findCut(rest, limit);
    const head = rest.slice(0, cut).trimEnd();
    if (head !== "") pieces.push(head);
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== "") pieces.push(rest);
  return pieces;
}

/** Index to cut `s` at (the piece is s[0, cut)); `s.length > limit`. */
function findCut(s: string, limit: number): number {
  const half = Math.floor(limit / 2);
  const paragraph = s.lastIndexOf("\n\n", limit);
  if (paragraph >= half) return paragraph;
  const line = s.lastIndexOf("\n", limit);
  if (line >= half) return line;
  const sentence = lastSentenceEnd(s, limit);
  if (sentence >= half) return sentence;
  for (let i = limit; i > 0; i--) if (SPACE.test(s[i]!)) return i;
  return hardCut(s, limit);
}

/** Position just after the last ". ", "! ", "? " or "…" followed by a space, ending ≤ limit. */
function lastSentenceEnd(s: string, limit: number): number {
  for (let i = limit; i > 1; i--) {
    if (SPACE.test(s[i]!) && /[.!?…:;]/u.test(s[i - 1]!)) return i;
  }
  return -1;
}

function hardCut(s: string, limit: number): number {
  let cut = limit;
  const code = s.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--; // do not split a surrogate pair
  while (cut > 1 && MARK.test(s[cut]!)) cut--; // keep a base letter with its tone marks
  return cut;
}
