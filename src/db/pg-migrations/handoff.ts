/** PostgreSQL tables of the handoff stores (their SQLite counterparts are in src/db/migrations.ts). */
export const HANDOFF_SCHEMA = "";
