export { purgeExpired, retentionCutoff, type PurgeOptions, type PurgeResult } from "./purge.ts";
export {
  ANONYMISED_TEXT,
  ANONYMISED_USER,
  COUNTERS,
  FINAL_STATUSES,
  type PurgeCounts,
} from "./kinds.ts";
export { exportCase, EXPORT_LEGAL_BASIS, type CaseExport, type SameUserData } from "./export.ts";
export { InvalidCaseRefError, UnknownCaseRefError, DataUsageError } from "./errors.ts";
export { runDataCommand, DATA_USAGE, type DataCommandOptions } from "./command.ts";
