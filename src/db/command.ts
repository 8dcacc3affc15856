/** `db backup FILE [--db FILE]`: an online copy of the database (src/db/backup.ts). */
import { parseArgs } from "node:util";
import { MotcuaError } from "../errors.ts";
import { backupDatabase } from "./backup.ts";

export const DB_USAGE = `  db backup FILE [--db FILE]        an online, checked copy of the database (VACUUM INTO),
                                    safe while the server runs; FILE must not exist`;

export class DbUsageError extends MotcuaError {
  readonly code = "db_usage_invalid";
}

export function runDbCommand(
  argv: readonly string[],
  deps: { databaseFile: () => string; out: (line: string) => void },
): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { db: { type: "string" } },
      allowPositionals: true,
    });
  } catch (e) {
    throw new DbUsageError(`db: ${(e as Error).message}\n${DB_USAGE}`);
  }
  const { values, positionals } = parsed;
  const [sub, target, ...extra] = positionals;
  if (sub !== "backup" || !target || extra.length > 0) {
    throw new DbUsageError(`db: expected "backup FILE"\n${DB_USAGE}`);
  }
  const r = backupDatabase(values.db ?? deps.databaseFile(), target);
  const mb = (r.bytes / 2 ** 20).toFixed(1);
  deps.out(`backup ${r.file}: ${mb} MB, schema ${r.schemaVersion}, integrity ok, ${r.ms} ms`);
  return 0;
}
