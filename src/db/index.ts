export { openDatabase, migrate, schemaVersion, MigrationError } from "./database.ts";
export type { Database, OpenDatabaseOptions } from "./database.ts";
export { MIGRATIONS } from "./migrations.ts";
export { createQuestionLog } from "./questions.ts";
export type { QuestionLog, QuestionRecord, StoredQuestion } from "./questions.ts";
export { createOutboxTable } from "./outbox-table.ts";
export type { OutboxFailure, OutboxTable, OutboxTableSpec } from "./outbox-table.ts";
