/**
 * What of a question is searched: its syllables without the words that only say what is asked
 * ("mất bao lâu", "ở đâu", "cần gì": data/question-words.json). Phrases are matched word by
 * word: a typed word matches a phrase word written the same, or, typed without accents, one that
 * folds to it. So "mat bao lau" loses its question words, while an accented "mật" or "mát" the
 * citizen typed is never read as "mất".
 */
import { z } from "zod";
import { loadRuleFile } from "../rule-file.ts";
import { foldAccents, hasAccents } from "../text/normalize.ts";
import { syllables } from "../text/tokenize.ts";

export const DEFAULT_QUESTION_WORDS_FILE = new URL(
  "../../data/question-words.json",
  import.meta.url,
);

/** A phrase as syllables, accented and folded. */
export interface Phrase {
  words: string[];
  folded: string[];
}

export function toPhrase(text: string): Phrase {
  const words = syllables(text);
  return { words, folded: words.map(foldAccents) };
}

/** Whether typed word `t` (lower case) can be phrase word `i` of `p`. */
function wordMatches(t: string, p: Phrase, i: number): boolean {
  if (t === p.words[i]) return true;
  return !hasAccents(t) && foldAccents(t) === p.folded[i];
}

/** Whether `p` stands in `typed` starting at `at`. */
export function phraseAt(typed: readonly string[], p: Phrase, at: number): boolean {
  if (p.words.length === 0 || at + p.words.length > typed.length) return false;
  for (let i = 0; i < p.words.length; i++) if (!wordMatches(typed[at + i]!, p, i)) return false;
  return true;
}

/** Whether any of `phrases` stands anywhere in `typed`. */
export function containsPhrase(typed: readonly string[], phrases: readonly Phrase[]): boolean {
  for (let at = 0; at < typed.length; at++) {
    for (const p of phrases) if (phraseAt(typed, p, at)) return true;
  }
  return false;
}

export interface QuestionWords {
  /** The syllables of `text` without its question words; all of them if nothing else is left. */
  strip(text: string): string[];
}

const questionWordsSchema = z.object({ remove: z.array(z.string().min(1)).min(1) });

export function createQuestionWords(phrases: readonly string[]): QuestionWords {
  // Longest first, so that "mất bao nhiêu tiền" goes before "mất bao nhiêu".
  const list = phrases.map(toPhrase).sort((a, b) => b.words.length - a.words.length);
  return {
    strip(text) {
      const typed = syllables(text);
      const kept: string[] = [];
      for (let at = 0; at < typed.length;) {
        const p = list.find((q) => phraseAt(typed, q, at));
        if (p) {
          at += p.words.length;
        } else {
          kept.push(typed[at]!);
          at++;
        }
      }
      return kept.length > 0 ? kept : typed;
    },
  };
}

export function loadQuestionWords(file: string | URL = DEFAULT_QUESTION_WORDS_FILE): QuestionWords {
  return createQuestionWords(loadRuleFile(file, questionWordsSchema).remove);
}
