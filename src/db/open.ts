/**
 * The configured database as a SqlDatabase: PostgreSQL when a URL is given (DATABASE_URL, shared
 * by several instances), else the SQLite file (the embedded default). Both apply their
 * migrations on opening and refuse a schema newer than this program.
 */
import { openPostgres } from "./postgres.ts";
import type { SqlDatabase } from "./sql.ts";
import { createSqliteSql } from "./sqlite-sql.ts";

export interface SqlTarget {
  /** The SQLite file, used unless `postgres` is set. */
  databaseFile: string;
  postgres?: { url: string; poolSize: number } | undefined;
}

export async function openSqlDatabase(target: SqlTarget): Promise<SqlDatabase> {
  return target.postgres
    ? openPostgres({ url: target.postgres.url, poolSize: target.postgres.poolSize })
    : createSqliteSql({ file: target.databaseFile });
}
