/**
 * `data purge [--dry-run] [--db FILE]`: anonymises what is past RETENTION_DAYS and prints the
 * counts per kind. `data export --case REF [--db FILE]`: one citizen's data as JSON. On the SQLite
 * file, through the SqlDatabase the service uses (src/db/sql.ts).
 */
import { parseArgs } from "node:util";
import { openSqlDatabase, type SqlDatabase, type SqlTarget } from "../db/index.ts";
import { DataUsageError } from "./errors.ts";
import { exportCase } from "./export.ts";
import { COUNTERS } from "./kinds.ts";
import { purgeExpired } from "./purge.ts";

export const DATA_USAGE = `  data purge [--dry-run] [--db FILE]
                                    anonymise personal data older than RETENTION_DAYS (closed
                                    PAKN cases, conversations, ratings, tickets…); counts per kind
  data export --case PAKN-2026-000123 [--db FILE]
                                    the citizen's data of that case as JSON (docs/privacy.md)`;

export interface DataCommandOptions {
  /** The configured database (SQLite file or PostgreSQL); --db FILE names a SQLite file instead. */
  database: () => SqlTarget;
  /** RETENTION_DAYS from the configuration. */
  retentionDays: () => number;
  now: () => Date;
  out: (line: string) => void;
}

export async function runDataCommand(
  args: readonly string[],
  deps: DataCommandOptions,
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "purge" && sub !== "export") {
    throw new DataUsageError(`data: unknown subcommand ${sub ?? "(none)"}\n${DATA_USAGE}`);
  }
  let values: { "dry-run"?: boolean; case?: string; db?: string };
  try {
    values = parseArgs({
      args: [...rest],
      options: {
        "dry-run": { type: "boolean", default: false },
        case: { type: "string" },
        db: { type: "string" },
      },
    }).values;
  } catch (e) {
    throw new DataUsageError(`data ${sub}: ${(e as Error).message}\n${DATA_USAGE}`);
  }
  if (sub === "export") {
    if (values.case === undefined) {
      throw new DataUsageError(
        "data export cần --case MÃ, ví dụ --case PAKN-2026-000123. / " +
          "data export needs --case REF, e.g. --case PAKN-2026-000123.",
      );
    }
    const ref = values.case;
    return withDatabase(target(values.db, deps), async (sql) => {
      deps.out(JSON.stringify(await exportCase(sql, ref, deps.now()), null, 2));
      return 0;
    });
  }
  const retentionDays = deps.retentionDays();
  return withDatabase(target(values.db, deps), async (sql) => {
    const r = await purgeExpired({ sql, now: deps.now, retentionDays, dryRun: values["dry-run"] });
    deps.out(
      `${r.dryRun ? "dry run: would anonymise" : "anonymised"} data older than ${retentionDays} days (before ${r.cutoff})`,
    );
    const width = Math.max(...COUNTERS.map((c) => c.length));
    for (const c of COUNTERS) deps.out(`  ${c.padEnd(width)}  ${r.counts[c]}`);
    return 0;
  });
}

const target = (file: string | undefined, deps: DataCommandOptions): SqlTarget =>
  file ? { databaseFile: file } : deps.database();

async function withDatabase<T>(
  target: SqlTarget,
  fn: (sql: SqlDatabase) => Promise<T>,
): Promise<T> {
  const sql = await openSqlDatabase(target);
  try {
    return await fn(sql);
  } finally {
    await sql.close();
  }
}
