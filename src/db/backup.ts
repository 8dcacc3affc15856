/**
 * An online copy of the database: `VACUUM INTO` reads one consistent snapshot (a read transaction:
 * in WAL mode the server's writers go on meanwhile, it never waits for the write lock nor holds
 * it) and writes a compacted copy. The copy is checked (`integrity_check`) and readable by its
 * owner only: it holds personal data.
 */
import { chmodSync, existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { MotcuaError } from "../errors.ts";
import { MIGRATION_BUSY_TIMEOUT_MS } from "./database.ts";

export interface BackupResult {
  file: string;
  bytes: number;
  /** PRAGMA user_version of the copy (the migrations it has). */
  schemaVersion: number;
  ms: number;
}

/** Why a backup could not be made: the target exists, the source is missing, or the copy is bad. */
export class BackupError extends MotcuaError {
  constructor(
    readonly code: "backup_target_exists" | "backup_source_missing" | "backup_check_failed",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Copies the database `source` (a file) to `target`, which must not exist. Opens its own
 * connection and migrates nothing: a copy of what is there.
 */
export function backupDatabase(
  source: string,
  target: string,
  clock: () => number = () => performance.now(),
): BackupResult {
  const started = clock();
  const to = path.resolve(target);
  if (existsSync(to)) {
    throw new BackupError(
      "backup_target_exists",
      `Tệp ${to} đã có: chọn tên khác (bản sao không ghi đè). / ${to} exists: a backup never overwrites.`,
    );
  }
  if (!existsSync(source)) {
    throw new BackupError(
      "backup_source_missing",
      `Không có cơ sở dữ liệu ${source}. / No database at ${source}.`,
    );
  }
  mkdirSync(path.dirname(to), { recursive: true });
  const db = new BetterSqlite3(source, { fileMustExist: true });
  try {
    // Only a WAL recovery or a checkpoint by another connection can make a reader wait.
    db.pragma(`busy_timeout = ${MIGRATION_BUSY_TIMEOUT_MS}`);
    db.prepare("VACUUM INTO ?").run(to);
  } finally {
    db.close();
  }
  chmodSync(to, 0o600);
  const copy = new BetterSqlite3(to, { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma("integrity_check", { simple: true });
    if (check !== "ok") {
      throw new BackupError(
        "backup_check_failed",
        `Bản sao ${to} không đạt kiểm tra (${String(check)}). / The copy failed integrity_check: ${String(check)}`,
      );
    }
    return {
      file: to,
      bytes: statSync(to).size,
      schemaVersion: copy.pragma("user_version", { simple: true }) as number,
      ms: Math.round(clock() - started),
    };
  } finally {
    copy.close();
  }
}
