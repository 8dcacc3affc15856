/**
 * The PostgreSQL schema, as numbered migrations (the counterpart of migrations.ts for SQLite),
 * applied by openPostgres in order and recorded in `motcua_schema`. Times are ISO-8601 text, as on
 * SQLite, so that one store's SQL runs on both engines. One file per concern under
 * pg-migrations/, mirroring that concern's SQLite tables. Until the first release on PostgreSQL
 * these first five may still change; after it, append only.
 */
import { CHANNELS_SCHEMA } from "./pg-migrations/channels.ts";
import { DIALOGUE_SCHEMA } from "./pg-migrations/dialogue.ts";
import { FEEDBACK_SCHEMA } from "./pg-migrations/feedback.ts";
import { HANDOFF_SCHEMA } from "./pg-migrations/handoff.ts";
import { REMINDERS_SCHEMA } from "./pg-migrations/reminders.ts";

export const PG_MIGRATIONS: readonly string[] = [
  FEEDBACK_SCHEMA,
  DIALOGUE_SCHEMA,
  HANDOFF_SCHEMA,
  REMINDERS_SCHEMA,
  CHANNELS_SCHEMA,
];
