/**
 * Vietnamese text normalization: Unicode NFC, one tone-mark placement, clean white space,
 * and accent folding for matching.
 */

const TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"; // huyền sắc hỏi ngã nặng
const OPEN_SYLLABLE = new RegExp(`^(.*?)([oOuU])([aAeEyY])([${TONE_MARKS}])$`, "u");

/**
 * Places the tone mark of the open syllables "oa", "oe", "uy" on the first vowel ("hòa", "khỏe",
 * "thủy"), the style of the national portal, so that "hoà" and "hòa" become one string.
 * "qu" + y keeps its mark on y ("quý"); syllables with a final consonant are untouched ("hoàng").
 */
function canonicalTonePlacement(nfc: string): string {
  return nfc
    .normalize("NFD")
    .replace(/[\p{L}\p{M}]+/gu, (word) => {
      const m = OPEN_SYLLABLE.exec(word);
      if (!m) return word;
      const [, head = "", v1 = "", v2 = "", tone = ""] = m;
      if (/[qQ]$/.test(head) && /[uU]/.test(v1)) return word;
      return head + v1 + tone + v2;
    })
    .normalize("NFC");
}

/** NFC, canonical tone placement, control characters removed, white space collapsed. */
export function normalizeText(input: string): string {
  const nfc = input
    .normalize("NFC")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B-\u200D\uFEFF]/g, "")
    .replace(/\u00A0/g, " ");
  return canonicalTonePlacement(nfc)
    .replace(/[ \t]+/g, " ")
    .replace(/ *\n */g, "\n")
    .trim();
}

// eslint-disable-next-line no-control-regex -- ASCII test on purpose
const ASCII = /^[\x00-\x7f]*$/;
const FOLD_CACHE_MAX = 100_000;
const foldCache = new Map<string, string>();

/** Lower case without any diacritic; đ/Đ become d. For matching, never for display. */
export function foldAccents(input: string): string {
  if (ASCII.test(input)) return input.toLowerCase();
  // Syllables repeat endlessly in the catalogue: remember them (bounded, so input cannot grow it).
  if (input.length <= 12) {
    const hit = foldCache.get(input);
    if (hit !== undefined) return hit;
    const folded = foldUncached(input);
    if (foldCache.size < FOLD_CACHE_MAX) foldCache.set(input, folded);
    return folded;
  }
  return foldUncached(input);
}

function foldUncached(input: string): string {
  return input
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .normalize("NFC");
}

/** True when the text has at least one Vietnamese diacritic (or đ). */
export function hasAccents(input: string): boolean {
  return foldAccents(input) !== input.toLowerCase().normalize("NFC");
}

/** Folded words joined by single spaces, for comparing short answers ("bỏ qua", "Hủy"). */
export const folded = (text: string): string =>
  foldAccents(text.normalize("NFC"))
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

/**
 * The text as a reader sees it: without zero-width and other format characters, control
 * characters and combining marks left over after NFC ("\u200b", "a\u0301\u0301…"). For length
 * minimums and emptiness checks: "\u200b" × 20 is no complaint, and no officer's reply.
 */
export function visibleText(text: string): string {
  return text.normalize("NFC").replace(/[\p{Cf}\p{Cc}\p{M}]/gu, "");
}
