export {
  createFeedbackStore,
  type FeedbackStore,
  type FeedbackStoreOptions,
  type FilingOnce,
  type Ratings,
} from "./sql-store.ts";
export { IDEMPOTENCY_KEY, IDEMPOTENCY_WINDOW_MS } from "./idempotency.ts";
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
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  InvalidTransitionError,
  VersionConflictError,
} from "./errors.ts";
export {
  STATUSES,
  OPEN_STATUSES,
  isStatus,
  isOpen,
  canTransition,
  allowedNext,
  type Status,
} from "./status.ts";
export type { StatusChange, Assignment, ProgressNote } from "./transitions.ts";
export type { CitizenCaseView, StaffCaseView, StaffCaseSummary } from "./views.ts";
export type { ListFilter, CaseList, CaseCounts } from "./list.ts";
export {
  ALL_AGENCIES,
  createScopeResolver,
  foldAgency,
  type AgencyRef,
  type CaseScope,
  type ScopeResolver,
  type ScopeResolverOptions,
  type ScopeSpec,
} from "./scope.ts";
export {
  createDesk,
  DUE_SOON_WORKING_DAYS,
  MAX_DUE_WITHIN,
  type Desk,
  type DeskCase,
  type DeskList,
  type DeskOptions,
  type DeskQuery,
  type DeskRow,
} from "./desk.ts";
export type { NotificationAudit } from "./audit.ts";
export { loadAgencyDirectory, DEFAULT_AGENCY_DIRECTORY } from "./agencies.ts";
export { dashboard, median, type Dashboard, type AgencyMeasures } from "./dashboard.ts";
export { MAX_LIST_LIMIT } from "./list.ts";
export type { RatingInput, StoredRating, Rating } from "./ratings.ts";
export {
  createSqlOutboxDispatcher,
  PermanentDeliveryError,
  type NotificationSender,
  type SqlDispatcherOptions,
  type SqlOutboxDispatcher,
  type DrainResult,
} from "./dispatcher.ts";
export type { OutboxMessage, NotificationPayload } from "./outbox.ts";
export { renderNotification, STATUS_LABELS } from "./messages.ts";
export {
  createStaffAuth,
  newStaffToken,
  STAFF_SCOPE,
  type StaffAuth,
  type StaffIdentity,
  type StaffTokenHash,
} from "./staff-auth.ts";
export {
  quarterlyReport,
  periodReport,
  reportWithin,
  totalOf,
  parseQuarter,
  parseDateRange,
  type QuarterlyReport,
  type ReportPeriod,
  type ReportRow,
} from "./report.ts";
export { reportToCsv, reportToXlsx, REPORT_COLUMNS, UNASSIGNED_LABEL } from "./report-export.ts";
export { runFeedbackCommand, FeedbackUsageError, FEEDBACK_USAGE } from "./command.ts";
export { SYSTEM_PROGRESS_NOTE } from "./progress.ts";
export { isRef } from "./reference.ts";
export { startFeedbackJobs, type FeedbackJobsOptions } from "./jobs.ts";
