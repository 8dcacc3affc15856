/**
 * `db backup FILE [--db FILE]`: an online copy of the database (src/db/backup.ts).
 * `db copy --to postgres://… [--db FILE]`: the SQLite database into an empty PostgreSQL one,
 * checked by row counts and checksums (src/db/copy.ts).
 */
import { parseArgs } from "node:util";
import { MotcuaError } from "../errors.ts";
import { backupDatabase } from "./backup.ts";
import { copyDatabase, DbCopyError, openCopySource } from "./copy.ts";
import { describeTarget, openPostgres } from "./postgres.ts";

export const DB_USAGE = `  db backup FILE [--db FILE]        an online, checked copy of the database (VACUUM INTO),
                                    safe while the server runs; FILE must not exist
  db copy --to postgres://… [--db FILE]
                                    copies the SQLite database into an empty PostgreSQL
                                    database (schema created), checked by row counts and
                                    checksums before it commits; stop the server first`;

export class DbUsageError extends MotcuaError {
  readonly code = "db_usage_invalid";
}

export interface DbCommandOptions {
  databaseFile: () => string;
  out: (line: string) => void;
}

export async function runDbCommand(
  argv: readonly string[],
  deps: DbCommandOptions,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { db: { type: "string" }, to: { type: "string" } },
      allowPositionals: true,
    });
  } catch (e) {
    throw new DbUsageError(`db: ${(e as Error).message}\n${DB_USAGE}`);
  }
  const { values, positionals } = parsed;
  const [sub, target, ...extra] = positionals;
  if (sub === "copy" && target === undefined && values.to !== undefined) {
    return copy(values.db ?? deps.databaseFile(), values.to, deps.out);
  }
  if (sub !== "backup" || !target || extra.length > 0 || values.to !== undefined) {
    throw new DbUsageError(`db: expected "backup FILE" or "copy --to postgres://…"\n${DB_USAGE}`);
  }
  const r = backupDatabase(values.db ?? deps.databaseFile(), target);
  const mb = (r.bytes / 2 ** 20).toFixed(1);
  deps.out(`backup ${r.file}: ${mb} MB, schema ${r.schemaVersion}, integrity ok, ${r.ms} ms`);
  return 0;
}

async function copy(file: string, url: string, out: (line: string) => void): Promise<number> {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new DbCopyError(
      "db_copy_target_not_postgres",
      "--to phải là postgres://… / --to must be a postgres:// URL",
    );
  }
  const source = openCopySource(file);
  try {
    const target = await openPostgres({ url, poolSize: 2 });
    try {
      const r = await copyDatabase({ source, target });
      for (const t of r.tables) {
        out(
          `  ${t.table.padEnd(26)} ${String(t.rows).padStart(8)} rows  sha256 ${t.checksum.slice(0, 16)}`,
        );
      }
      out(
        `copied ${r.rows} rows in ${r.tables.length} tables to ${describeTarget(url)}: ` +
          `counts and checksums equal, ${r.ms} ms`,
      );
      return 0;
    } finally {
      await target.close();
    }
  } finally {
    source.close();
  }
}
