export {
  loadReminderRules,
  parseReminderRules,
  loadAgencies,
  parseAgencies,
  DEFAULT_REMINDER_RULES_FILE,
  DEFAULT_AGENCIES_FILE,
  LEVELS,
  type ReminderRules,
  type PeriodicRule,
  type Agency,
  type Level,
} from "./rules.ts";
export { ReminderInputError } from "./errors.ts";
export {
  plan,
  stageOn,
  periodicDueDates,
  doneKey,
  REMINDER_KINDS,
  type ReminderKind,
  type DueReminder,
  type PlannerState,
  type CaseInfo,
  type CustomDeadline,
  type GroupLink,
} from "./planner.ts";
export {
  createReminderStore,
  type ReminderStore,
  type GroupRow,
  type DeliveryRow,
} from "./store.ts";
export {
  createTokenBucket,
  createSendLimiter,
  type SendLimiter,
  type TokenBucket,
} from "./limiter.ts";
export {
  createReminderDispatcher,
  classifySendError,
  type ReminderDispatcher,
  type ReminderSender,
  type TickResult,
} from "./dispatcher.ts";
export { renderDigest, KIND_LABELS, caseUrl } from "./digest.ts";
export {
  createReminderGroupHandler,
  createTelegramReminderSender,
  DONE_NOTE,
  PROGRESS_NOTE,
} from "./telegram.ts";
export { feedbackCases } from "./cases.ts";
export { createReminders, type Reminders, type RemindersOptions } from "./service.ts";
export { runRemindersCommand, RemindersUsageError, REMINDERS_USAGE } from "./command.ts";
