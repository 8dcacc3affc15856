export { createFeedbackQueue, type FeedbackQueue, type FeedbackQueueDeps } from "./queue.ts";
export type { FiledCase } from "./file-case.ts";
export { MAX_TEXT_CHARS, MIN_TEXT_CHARS, type FileCaseInput, type FeedbackKind } from "./input.ts";
export { createProcedureDirectory, type ProcedureDirectory } from "./procedures.ts";
export {
  loadRules,
  parseRules,
  createDeadlineCalculator,
  DEFAULT_RULES_FILE,
  type PaknRules,
  type DeadlineCalculator,
} from "./rules.ts";
export {
  FeedbackError,
  FeedbackInputError,
  UnknownProcedureError,
  CaseNotFoundError,
  CaseNotOpenError,
  InvalidTransitionError,
  VersionConflictError,
} from "./errors.ts";
export { STATUSES, OPEN_STATUSES, isStatus, canTransition, type Status } from "./status.ts";
export type { StatusChange, Assignment, ProgressNote } from "./transitions.ts";
export type { CitizenCaseView, StaffCaseView, StaffCaseSummary } from "./views.ts";
export type { ListFilter, CaseList } from "./list.ts";
export { MAX_LIST_LIMIT } from "./list.ts";
export type { RatingInput, StoredRating, Rating, Ratings } from "./ratings.ts";
export {
  createOutboxDispatcher,
  PermanentDeliveryError,
  type NotificationSender,
  type OutboxDispatcher,
  type DrainResult,
} from "./dispatcher.ts";
export type { OutboxMessage, NotificationPayload } from "./outbox.ts";
export { renderNotification, STATUS_LABELS } from "./messages.ts";
export {
  createStaffAuth,
  newStaffToken,
  type StaffAuth,
  type StaffTokenHash,
} from "./staff-auth.ts";
export { quarterlyReport, parseQuarter, type QuarterlyReport, type ReportRow } from "./report.ts";
export { reportToCsv, reportToXlsx } from "./report-export.ts";
export { runFeedbackCommand, FeedbackUsageError, FEEDBACK_USAGE } from "./command.ts";
export { SYSTEM_PROGRESS_NOTE } from "./progress.ts";
export { startFeedbackJobs, type FeedbackJobsDeps } from "./jobs.ts";
