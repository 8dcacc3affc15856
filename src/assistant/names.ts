/**
 * Procedure names inside a question. Citizens often paste a procedure's name, and names hold
 * words the rules read as something else: "thời hạn" (time), "tờ khai" (documents), "chứng
 * khoán" (an off-topic subject), "hỗ trợ trực tiếp" (a hand-over), "tiền mặt"… Words of the
 * question that run along a catalogue name are shielded from those rules, and a name typed in
 * full points to its records.
 */
import type { Procedure } from "../catalogue/index.ts";
import { foldAccents, syllables } from "../text/index.ts";
import type { Shield } from "./matcher.ts";

/** Consecutive words a question must share with a name before they count as the name. */
export const NAME_RUN = 5;
/** With the answered procedure's own name, a shorter shared run is enough. */
export const OWN_NAME_RUN = 3;
/** Words that open many names and say nothing of which one ("Thủ tục cấp…"). */
const OPENING = ["thu", "tuc"];

function fold(words: readonly string[]): string[] {
  return words.map(foldAccents);
}

/** The folded words of a name, without a leading "thủ tục". */
export function nameWords(name: string): string[] {
  const words = fold(syllables(name));
  return words[0] === OPENING[0] && words[1] === OPENING[1] ? words.slice(2) : words;
}

export interface NameIndex {
  /** Shields the words that run along some catalogue name for NAME_RUN words or more. */
  shield: Shield;
  /**
   * Codes of the records whose whole name the question contains, the longest such name first
   * wins ("đăng ký khai sinh có yếu tố nước ngoài" over "đăng ký khai sinh"); [] when none.
   * Names shorter than `minWords` are not looked for.
   */
  namedInFull(words: readonly string[], minWords?: number): string[];
}

export function createNameIndex(catalogue: readonly Procedure[]): NameIndex {
  const runs = new Set<string>();
  const byName = new Map<string, string[]>();
  for (const p of catalogue) {
    const words = nameWords(p.name);
    for (let i = 0; i + NAME_RUN <= words.length; i++) {
      runs.add(words.slice(i, i + NAME_RUN).join(" "));
    }
    const key = words.join(" ");
    if (key === "") continue;
    const codes = byName.get(key) ?? [];
    codes.push(p.code);
    byName.set(key, codes);
  }
  const lengths = [...new Set([...byName.keys()].map((k) => k.split(" ").length))].sort(
    (a, b) => b - a,
  );

  return {
    shield(words) {
      const folded = fold(words);
      const shielded = folded.map(() => false);
      for (let i = 0; i + NAME_RUN <= folded.length; i++) {
        if (!runs.has(folded.slice(i, i + NAME_RUN).join(" "))) continue;
        for (let k = i; k < i + NAME_RUN; k++) shielded[k] = true;
      }
      return shielded;
    },
    namedInFull(words, minWords = 2) {
      const folded = fold(words);
      for (const length of lengths) {
        if (length < minWords || length > folded.length) continue;
        for (let i = 0; i + length <= folded.length; i++) {
          const codes = byName.get(folded.slice(i, i + length).join(" "));
          if (codes) return codes;
        }
      }
      return [];
    },
  };
}

/**
 * Shields the words of the question that run along `name` for OWN_NAME_RUN words or more: the
 * answered procedure's name says nothing of what the citizen asks about it.
 */
export function ownNameShield(name: string): Shield {
  const target = nameWords(name);
  return (words) => {
    const folded = fold(words);
    const shielded = folded.map(() => false);
    for (let i = 0; i < folded.length; i++) {
      for (let j = 0; j < target.length; j++) {
        let n = 0;
        while (i + n < folded.length && j + n < target.length && folded[i + n] === target[j + n])
          n++;
        if (n >= OWN_NAME_RUN) for (let k = i; k < i + n; k++) shielded[k] = true;
      }
    }
    return shielded;
  };
}
