/** PostgreSQL tables of the feedback stores (their SQLite counterparts are in src/db/migrations.ts). */
export const FEEDBACK_SCHEMA = "";
