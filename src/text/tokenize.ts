import { foldAccents, normalizeText } from "./normalize.ts";

const SYLLABLE = /[\p{L}\p{M}\p{N}]+/gu;

/** Lower-case syllables of a Vietnamese text, accents kept (NFC, canonical tone placement). */
export function syllables(text: string): string[] {
  return normalizeText(text).toLowerCase().match(SYLLABLE) ?? [];
}

/** Same as syllables() for text that is already normalized (NFC, canonical tones): faster. */
export function syllablesOfNormalized(text: string): string[] {
  return text.toLowerCase().match(SYLLABLE) ?? [];
}

/** Syllables with accents folded away (đ → d). */
export function foldedSyllables(text: string): string[] {
  return syllables(text).map(foldAccents);
}

/** Adjacent pairs joined by "_" ("đăng ký khai" → ["đăng_ký", "ký_khai"]). */
export function bigrams(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < tokens.length; i++) out.push(`${tokens[i - 1]}_${tokens[i]}`);
  return out;
}
