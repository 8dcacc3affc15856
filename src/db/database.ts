/** SQLite connection (better-sqlite3) with sane pragmas, and a migration runner on user_version. */
import { mkdirSync } from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { MIGRATIONS } from "./migrations.ts";
import { MotcuaError } from "../errors.ts";
import { foldAccents } from "../text/index.ts";

export type Database = BetterSqlite3.Database;

export class MigrationError extends MotcuaError {
  readonly code = "migration_failed";
  readonly version: number;
  constructor(message: string, version: number, options?: { cause?: unknown }) {
    super(message, options);
    this.version = version;
  }
}

export interface OpenDatabaseOptions {
  /** Default: the project's MIGRATIONS. */
  migrations?: readonly string[];
  /**
   * Milliseconds a statement waits, blocking, for a lock held by another connection. Default
   * 5000 (the CLI); the server uses SERVER_BUSY_TIMEOUT_MS and waits longer without blocking
   * (src/db/busy.ts). Opening and migrating wait at least MIGRATION_BUSY_TIMEOUT_MS.
   */
  busyTimeoutMs?: number;
}

/** How long opening (WAL switch, migrations) waits for a lock: nothing is served yet. */
export const MIGRATION_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating its directory) the SQLite file, sets WAL, foreign keys and a busy timeout, and
 * applies pending migrations (waiting up to MIGRATION_BUSY_TIMEOUT_MS for a lock). `":memory:"` is
 * accepted for throwaway databases.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  const inMemory = file === ":memory:";
  if (!inMemory) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new BetterSqlite3(file);
  try {
    const busyTimeout = Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000));
    db.pragma(`busy_timeout = ${Math.max(busyTimeout, MIGRATION_BUSY_TIMEOUT_MS)}`);
    if (!inMemory) db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    // Accent- and case-insensitive search ("đ" → "d" too), on every connection (PostgreSQL has
    // the same function in its schema): the fold of the catalogue.
    db.function("motcua_fold", { deterministic: true }, (text: unknown) =>
      typeof text === "string" ? foldAccents(text) : null,
    );
    migrate(db, options.migrations ?? MIGRATIONS);
    db.pragma(`busy_timeout = ${busyTimeout}`);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

export function schemaVersion(db: Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/**
 * Applies the migrations the database has not seen yet, each in its own IMMEDIATE transaction
 * together with the `user_version` bump, so a crash or a concurrent starter never applies one twice.
 * Returns the versions applied.
 */
export function migrate(db: Database, migrations: readonly string[] = MIGRATIONS): number[] {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new MigrationError(
      `Database schema version ${current} is newer than this program knows (${migrations.length}); ` +
        "upgrade the program or use another data directory.",
      current,
    );
  }
  const applied: number[] = [];
  for (let version = current + 1; version <= migrations.length; version++) {
    const sql = migrations[version - 1] as string;
    const step = db.transaction(() => {
      if (schemaVersion(db) >= version) return false; // another process got there first
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
      return true;
    });
    try {
      if (step.immediate()) applied.push(version);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new MigrationError(`Migration ${version} failed: ${reason}`, version, { cause: err });
    }
  }
  return applied;
}
