/** Which part of a procedure a question asks about, from prompts/aspects.json. */
import { compilePhraseSet, compileRemover, toMatchable } from "./matcher.ts";
import { loadAspectRules, type AspectRules } from "./rules.ts";
import type { Aspect } from "./types.ts";

export interface AspectDetector {
  detectAspect(text: string): Aspect;
}

export function createAspectDetector(rules: AspectRules): AspectDetector {
  const compiled = rules.aspects.map((a) => ({
    aspect: a.aspect,
    strong: compilePhraseSet(a.strong),
    weak: compilePhraseSet(a.weak),
  }));
  const neutralize = compileRemover(rules.neutralize);
  return {
    detectAspect(text: string): Aspect {
      const m = neutralize(toMatchable(text));
      if (m.length === 0) return "overview";
      return (
        compiled.find((a) => a.strong.test(m))?.aspect ??
        compiled.find((a) => a.weak.test(m))?.aspect ??
        "overview"
      );
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
