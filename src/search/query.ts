/**
 * What of a question is searched: its syllables without the words that only say what is asked
 * ("mất bao lâu", "ở đâu", "cần gì": data/question-words.json). Phrases are matched word by
 * word: a typed word matches a phrase word written the same, or, typed without accents, one that
 * folds to it. So "mat bao lau" loses its question words, while an accented "mật" or "mát" the
 * citizen typed is never read as "mất".
 */
import { z } from "zod";
import { loadRuleFile } from "../rule-file.ts";
import { phraseStartingAt, syllables, toPhrase } from "../text/index.ts";

export const DEFAULT_QUESTION_WORDS_FILE = new URL(
  "../../data/question-words.json",
  import.meta.url,
);

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
        const p = phraseStartingAt(typed, list, at);
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

/**
 * A question told in several sentences, its ask last ("Tôi sinh con ở Mỹ. … Vậy tôi phải làm
 * thế nào?"), with the ask first: the last sentence with a question mark, else the last one. For
 * a reader that stops early (the model reads the first DENSE_WORDS syllables).
 */
export function askFirst(text: string): string {
  const sentences = text.split(/(?<=[.?!])\s+/u).filter((s) => /[\p{L}\p{N}]/u.test(s));
  if (sentences.length < 2) return text;
  let ask = sentences.length - 1;
  while (ask > 0 && !sentences[ask]!.includes("?")) ask--;
  if (!sentences[ask]!.includes("?")) ask = sentences.length - 1;
  return [sentences[ask]!, ...sentences.filter((_, i) => i !== ask)].join(" ");
}
