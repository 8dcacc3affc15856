export {
  openDatabase,
  migrate,
  schemaVersion,
  MigrationError,
  MIGRATION_BUSY_TIMEOUT_MS,
} from "./database.ts";
export {
  createWriteGate,
  DatabaseBusyError,
  isBusyError,
  REQUEST_WRITE_BUDGET_MS,
  SERVER_BUSY_TIMEOUT_MS,
} from "./busy.ts";
export type { WriteGate, WriteGateOptions } from "./busy.ts";
export { backupDatabase, BackupError, type BackupResult } from "./backup.ts";
export { DB_USAGE, DbUsageError, runDbCommand, type DbCommandOptions } from "./command.ts";
export { copyDatabase, DbCopyError, openCopySource, type CopyResult } from "./copy.ts";
export type { Database, OpenDatabaseOptions } from "./database.ts";
export { MIGRATIONS } from "./migrations.ts";
export { createSqlQuestionLog, recordInBackground } from "./questions.ts";
export type { QuestionRecord, SqlQuestionLog, StoredQuestion } from "./questions.ts";
export { createSqlOutboxTable } from "./outbox-table.ts";
export type { OutboxFailure, OutboxTableSpec, SqlOutboxTable } from "./outbox-table.ts";
export { numberPlaceholders } from "./sql.ts";
export type { SqlDatabase, SqlDialect, SqlExecutor, SqlRunResult, SqlValue } from "./sql.ts";
export { createSqliteSql, type SqliteSqlOptions } from "./sqlite-sql.ts";
export {
  DatabaseUnreachableError,
  describeTarget,
  isDatabaseUnavailable,
  openPostgres,
  type PostgresOptions,
} from "./postgres.ts";
export { PG_MIGRATIONS } from "./pg-migrations.ts";
export { openSqlDatabase, type SqlTarget } from "./open.ts";
