/**
 * Phrase matching for the editable rule files under prompts/. A message becomes its lower-case
 * syllables; a phrase matches word by word (src/text/phrase.ts): a word the citizen typed with
 * accents must be the phrase's word, one typed without accents matches by its folded form. So
 * "doi tien" may be "đòi tiền", but "đổi tiền" is not, and "phí công bố" is not "phi công".
 * Phrases are written with their accents. "…" or "..." inside a phrase stands for a gap of up to
 * GAP_WORDS words.
 */
import { foldAccents, normalizeText, phraseAt, syllables, toPhrase } from "../text/index.ts";
import type { Phrase } from "../text/index.ts";

const GAP_WORDS = 4;
const GAP = /\s*(?:…|\.\.\.)\s*/;

/** Marks the words of a message that belong to a procedure's name (see names.ts). */
export type Shield = (words: readonly string[]) => readonly boolean[];

/** A message ready for matching: its syllables and a leading "/command", if any. */
export interface Matchable {
  readonly words: readonly string[];
  /** "/start", "/hotro" (folded, without "@bot"); "" when the message is not a command. */
  readonly command: string;
  /** Words that are part of a procedure's name: a phrase lying wholly on them does not count. */
  readonly shielded?: readonly boolean[];
}

export function toMatchable(text: string, shield?: Shield): Matchable {
  const command = /^\/[a-z0-9_]+/.exec(foldAccents(normalizeText(text).trim()))?.[0] ?? "";
  const words = syllables(text);
  return shield ? { words, command, shielded: shield(words) } : { words, command };
}

/** The same message without the words at the given positions. */
function without(m: Matchable, drop: ReadonlySet<number>): Matchable {
  const words = m.words.filter((_, i) => !drop.has(i));
  if (!m.shielded) return { words, command: m.command };
  return { words, command: m.command, shielded: m.shielded.filter((_, i) => !drop.has(i)) };
}

function allShielded(m: Matchable, from: number, to: number): boolean {
  if (!m.shielded) return false;
  for (let i = from; i < to; i++) if (!m.shielded[i]) return false;
  return true;
}

/** A phrase compiled to its parts (between gaps); null when it holds no word. */
function compileParts(phrase: string): Phrase[] | null {
  const parts = phrase
    .split(GAP)
    .map(toPhrase)
    .filter((p) => p.words.length > 0);
  return parts.length > 0 ? parts : null;
}

/** Where the match of `parts` starting at `at` ends, or -1. */
function matchEnd(words: readonly string[], parts: readonly Phrase[], at: number): number {
  const [first, ...rest] = parts;
  if (!first || !phraseAt(words, first, at)) return -1;
  const end = at + first.words.length;
  if (rest.length === 0) return end;
  for (let gap = 0; gap <= GAP_WORDS && end + gap < words.length; gap++) {
    const found = matchEnd(words, rest, end + gap);
    if (found >= 0) return found;
  }
  return -1;
}

export interface PhraseSet {
  /** The phrases as written, in file order. */
  readonly phrases: readonly string[];
  /** The first phrase (in file order) found in the message, or null. */
  find(m: Matchable): string | null;
  test(m: Matchable): boolean;
  /** The length in words of the longest phrase starting at word `at` (0: none, or shielded). */
  lengthAt(m: Matchable, at: number): number;
}

export function compilePhraseSet(phrases: readonly string[]): PhraseSet {
  /** Compiled phrases by the folded form of their first word, in file order. */
  const byFirst = new Map<string, { order: number; phrase: string; parts: Phrase[] }[]>();
  phrases.forEach((phrase, order) => {
    const parts = compileParts(phrase);
    const first = parts?.[0]?.folded[0];
    if (!parts || first === undefined) return;
    const list = byFirst.get(first) ?? [];
    list.push({ order, phrase, parts });
    byFirst.set(first, list);
  });
  const candidates = (words: readonly string[], at: number) =>
    at < words.length ? (byFirst.get(foldAccents(words[at]!)) ?? []) : [];
  const find = (m: Matchable): string | null => {
    let best: { order: number; phrase: string } | null = null;
    for (let at = 0; at < m.words.length; at++) {
      for (const c of candidates(m.words, at)) {
        if (best && c.order >= best.order) break;
        const end = matchEnd(m.words, c.parts, at);
        if (end >= 0 && !allShielded(m, at, end)) best = c;
      }
    }
    return best?.phrase ?? null;
  };
  const lengthAt = (m: Matchable, at: number): number => {
    let longest = 0;
    for (const { parts } of candidates(m.words, at)) {
      const end = matchEnd(m.words, parts, at);
      if (end >= 0 && !allShielded(m, at, end)) longest = Math.max(longest, end - at);
    }
    return longest;
  };
  return { phrases, find, test: (m) => find(m) !== null, lengthAt };
}

/** A function removing every occurrence of the phrases (to strip greetings, filler words…). */
export function compileRemover(phrases: readonly string[]): (m: Matchable) => Matchable {
  const set = compilePhraseSet(phrases);
  return (m) => {
    const drop = new Set<number>();
    for (let at = 0; at < m.words.length;) {
      const length = set.lengthAt(m, at);
      if (length > 0) {
        for (let i = at; i < at + length; i++) drop.add(i);
        at += length;
      } else {
        at++;
      }
    }
    return drop.size > 0 ? without(m, drop) : m;
  };
}

/** A function marking every word that some phrase covers (matches may overlap). */
export function compileCover(phrases: readonly string[]): (m: Matchable) => boolean[] {
  const set = compilePhraseSet(phrases);
  return (m) => {
    const covered = m.words.map(() => false);
    for (let at = 0; at < m.words.length; at++) {
      const length = set.lengthAt(m, at);
      for (let i = at; i < at + length; i++) covered[i] = true;
    }
    return covered;
  };
}
