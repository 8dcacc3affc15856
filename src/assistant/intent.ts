/**
 * Offline intent detection from the editable rules in prompts/intents.json.
 * Returns null when the message looks like a question that retrieval must decide
 * (a procedure or something out of scope).
 */
import {
  compilePhraseSet,
  compileRemover,
  toMatchable,
  type Matchable,
  type Shield,
} from "./matcher.ts";
import { loadIntentRules, type IntentRules } from "./rules.ts";
import type { Intent } from "./types.ts";

/** Which rule decided the intent ("thanks" lets the assistant answer a thank-you differently). */
export type IntentRule =
  | "hello"
  | "thanks"
  | "handoff"
  | "feedback_explicit"
  | "feedback_complaint"
  | "feedback_misconduct"
  | "feedback_opener";

export interface IntentMatch {
  intent: Exclude<Intent, "procedure" | "out_of_scope">;
  rule: IntentRule;
  /** The phrase that matched, as written in the rules. */
  phrase: string;
}

/**
 * With a `shield` (names.ts), a phrase lying wholly on the words of a procedure's name does not
 * count: "… hỗ trợ trực tiếp …" inside a name is no hand-over, "chứng khoán" no off-topic.
 */
export interface IntentDetector {
  detect(text: string, shield?: Shield): IntentMatch | null;
  detectIntent(text: string): Intent | null;
  /** Names of the out-of-scope topics the text mentions (weather, jokes…); empty when none. */
  outOfScopeTopics(text: string, shield?: Shield): string[];
  looksOutOfScope(text: string, shield?: Shield): boolean;
}

export function createIntentDetector(rules: IntentRules): IntentDetector {
  const fold = (xs: readonly string[]) => new Set(xs.map((x) => x.trim().toLowerCase()));
  const greetingCommands = fold(rules.greeting.commands);
  const handoffCommands = fold(rules.handoff.commands);
  const hello = compilePhraseSet(rules.greeting.hello);
  const thanks = compilePhraseSet(rules.greeting.thanks);
  const stripGreeting = compileRemover([
    ...rules.greeting.hello,
    ...rules.greeting.thanks,
    ...rules.greeting.filler,
  ]);
  const handoff = compilePhraseSet(rules.handoff.phrases);
  const fb = rules.feedback;
  const explicit = compilePhraseSet(fb.explicit);
  const procedureQuestions = compilePhraseSet(fb.procedureQuestions);
  const complaints = compilePhraseSet(fb.complaints);
  const who = compilePhraseSet(fb.misconduct.who);
  const what = compilePhraseSet(fb.misconduct.what);
  const askHow = compilePhraseSet(fb.askHow);
  const openers = compilePhraseSet(fb.openers);
  const verbs = compilePhraseSet(fb.verbs);
  /** "tôi muốn phản ánh…": openers, then a feedback verb; returns the verb's words. */
  const openingVerb = (m: Matchable): string | null => {
    let at = 0;
    for (let n = openers.lengthAt(m, at); n > 0; n = openers.lengthAt(m, at)) at += n;
    const n = verbs.lengthAt(m, at);
    return n > 0 ? m.words.slice(at, at + n).join(" ") : null;
  };
  const unless = compilePhraseSet(rules.outOfScope.unless);
  const topics = Object.entries(rules.outOfScope.topics).map(
    ([topic, phrases]) => [topic, compilePhraseSet(phrases)] as const,
  );

  function detect(text: string, shield?: Shield): IntentMatch | null {
    const m = toMatchable(text, shield);
    if (m.words.length === 0 && m.command === "") return null;
    const command = m.command;
    if (handoffCommands.has(command))
      return { intent: "handoff", rule: "handoff", phrase: command };
    const h = handoff.find(m);
    if (h) return { intent: "handoff", rule: "handoff", phrase: h };

    const e = explicit.find(m);
    if (e) return { intent: "feedback", rule: "feedback_explicit", phrase: e };
    if (!procedureQuestions.test(m)) {
      const c = complaints.find(m);
      if (c) return { intent: "feedback", rule: "feedback_complaint", phrase: c };
      const w = who.find(m);
      const act = w ? what.find(m) : null;
      if (w && act) return { intent: "feedback", rule: "feedback_misconduct", phrase: act };
      const verb = openingVerb(m);
      if (verb && !askHow.test(m)) {
        return { intent: "feedback", rule: "feedback_opener", phrase: verb };
      }
    }

    if (greetingCommands.has(command)) {
      return { intent: "greeting", rule: "hello", phrase: command };
    }
    if (stripGreeting(m).words.length === 0) {
      const t = thanks.find(m);
      if (t) return { intent: "greeting", rule: "thanks", phrase: t };
      const g = hello.find(m);
      if (g) return { intent: "greeting", rule: "hello", phrase: g };
    }
    return null;
  }

  function outOfScopeTopics(text: string, shield?: Shield): string[] {
    const m = toMatchable(text, shield);
    if (m.words.length === 0 || unless.test(m)) return [];
    return topics.filter(([, set]) => set.test(m)).map(([topic]) => topic);
  }

  return {
    detect,
    detectIntent: (text) => detect(text)?.intent ?? null,
    outOfScopeTopics,
    looksOutOfScope: (text, shield) => outOfScopeTopics(text, shield).length > 0,
  };
}

let defaultDetector: IntentDetector | undefined;

/** The detector built from prompts/intents.json, loaded on first use. */
export function defaultIntentDetector(): IntentDetector {
  defaultDetector ??= createIntentDetector(loadIntentRules());
  return defaultDetector;
}

/** Intent from the default rules; null when retrieval must decide. */
export function detectIntent(text: string): Intent | null {
  return defaultIntentDetector().detectIntent(text);
}

/** True when the default rules see an out-of-scope topic (weather, jokes, sports, lottery…). */
export function looksOutOfScope(text: string): boolean {
  return defaultIntentDetector().looksOutOfScope(text);
}
