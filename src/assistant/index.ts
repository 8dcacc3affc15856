export { createAssistant, type Assistant, type AssistantOptions } from "./assistant.ts";
export {
  createIntentDetector,
  defaultIntentDetector,
  detectIntent,
  looksOutOfScope,
  type IntentDetector,
  type IntentMatch,
  type IntentRule,
} from "./intent.ts";
export {
  createAspectDetector,
  defaultAspectDetector,
  detectAspect,
  type AspectDetector,
} from "./aspect.ts";
export {
  ANSWER_MAX_CHARS,
  DEFAULT_HOTLINE,
  DEFAULT_PAKN_URL,
  composeAmbiguous,
  composeMessage,
  composeProcedureAnswer,
  type ComposeContext,
} from "./compose.ts";
export {
  TEMPLATE_NAMES,
  loadTemplates,
  renderTemplate,
  validateTemplates,
  type TemplateName,
  type Templates,
} from "./templates.ts";
export { loadAspectRules, loadIntentRules, type AspectRules, type IntentRules } from "./rules.ts";
export { pickChoices } from "./choices.ts";
export { MAX_QUESTION_CHARS } from "./input.ts";
export type { AskContext, AskResult, Aspect, Confidence, Intent, ProcedureRef } from "./types.ts";
export { PROMPTS_DIR } from "./rules.ts";
export type { TemplateVars } from "./templates.ts";
export { ASPECTS } from "./types.ts";
export type { Procedure } from "./types.ts";
export { LABELS, clip, formatTime, isBlank } from "./format.ts";
export { normalizeMoney } from "./fees.ts";
