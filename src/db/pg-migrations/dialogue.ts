/** PostgreSQL tables of the dialogue stores (their SQLite counterparts are in src/db/migrations.ts). */
export const DIALOGUE_SCHEMA = "";
