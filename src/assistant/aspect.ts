/** Which part of a procedure a question asks about, from prompts/aspects.json. */
import {
  compileCover,
  compilePhraseSet,
  compileRemover,
  toMatchable,
  type Shield,
} from "./matcher.ts";
import { loadAspectRules, type AspectRules } from "./rules.ts";
import type { Aspect } from "./types.ts";

export interface AspectDetector {
  /** With a `shield`, phrases lying wholly on a procedure's name (names.ts) do not count. */
  detectAspect(text: string, shield?: Shield): Aspect;
  /** The words of `text` that do not say what is asked ("… phí bao nhiêu" → without them). */
  subjectWords(text: string): readonly string[];
}

export function createAspectDetector(rules: AspectRules): AspectDetector {
  const compiled = rules.aspects.map((a) => ({
    aspect: a.aspect,
    strong: compilePhraseSet(a.strong),
    weak: compilePhraseSet(a.weak),
  }));
  const neutralize = compileRemover(rules.neutralize);
  const asked = compileCover(rules.aspects.flatMap((a) => [...a.strong, ...a.weak]));
  return {
    detectAspect(text: string, shield?: Shield): Aspect {
      const m = neutralize(toMatchable(text, shield));
      if (m.words.length === 0) return "overview";
      return (
        compiled.find((a) => a.strong.test(m))?.aspect ??
        compiled.find((a) => a.weak.test(m))?.aspect ??
        "overview"
      );
    },
    subjectWords(text) {
      const m = neutralize(toMatchable(text));
      const covered = asked(m);
      return m.words.filter((_, i) => !covered[i]);
    },
  };
}

let defaultDetector: AspectDetector | undefined;

/** The detector built from prompts/aspects.json, loaded on first use. */
export function defaultAspectDetector(): AspectDetector {
  defaultDetector ??= createAspectDetector(loadAspectRules());
  return defaultDetector;
}

/** Aspect from the default rules; "overview" when none in particular. */
export function detectAspect(text: string): Aspect {
  return defaultAspectDetector().detectAspect(text);
}
