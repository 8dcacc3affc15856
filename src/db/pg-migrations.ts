/**
 * The PostgreSQL schema, as numbered migrations (the counterpart of migrations.ts for SQLite),
 * applied by openPostgres in order and recorded in `motcua_schema`. Append only: never edit or
 * reorder one that has shipped. Times are ISO-8601 text, as on SQLite, so that one store's SQL
 * runs on both engines. Tables arrive here as their stores move onto SqlDatabase (src/db/sql.ts).
 */
export const PG_MIGRATIONS: readonly string[] = [];
