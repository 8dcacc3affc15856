/** PostgreSQL tables of the channels stores (their SQLite counterparts are in src/db/migrations.ts). */
export const CHANNELS_SCHEMA = "";
