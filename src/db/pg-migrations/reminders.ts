/** PostgreSQL tables of the reminders stores (their SQLite counterparts are in src/db/migrations.ts). */
export const REMINDERS_SCHEMA = "";
