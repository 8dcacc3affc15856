/**
 * The asynchronous SQL surface the stores are moving to (issue 15): one interface, two engines —
 * SQLite through better-sqlite3 (the embedded default, src/db/sqlite-sql.ts) and PostgreSQL
 * through node-postgres (src/db/postgres.ts). A store keeps its SQL in one place and runs it on
 * either: statements are written with `?` placeholders (turned into `$1…` for PostgreSQL), ISO
 * text for times, and the SQL both engines speak (`ON CONFLICT … DO UPDATE`, `RETURNING`).
 */

export type SqlValue = string | number | null | Buffer;

export interface SqlRunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

/** Statements, on the database or inside one transaction. */
export interface SqlExecutor {
  all<T extends object>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T extends object>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<SqlRunResult>;
}

export type SqlDialect = "sqlite" | "postgres";

export interface SqlDatabase extends SqlExecutor {
  readonly dialect: SqlDialect;
  /**
   * Runs `fn` in one transaction, committed when it resolves and rolled back when it rejects.
   * SQLite: `BEGIN IMMEDIATE` (the write lock is taken first, so two writers never deadlock);
   * PostgreSQL: one pooled connection, READ COMMITTED. `fn` must use `tx`, not the database.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` while holding the lock `name` against every process sharing the database
   * (PostgreSQL: a session advisory lock; SQLite, one instance by design: this process only).
   * Statements in `fn` commit one by one: what it wrote stays written if it later fails.
   */
  exclusive<T>(name: string, fn: (db: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Reachable and answering (for /healthz). Never rejects. Not queued behind other work: on
   * SQLite it answers while a write waits for a lock another process holds.
   */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * `?` placeholders as PostgreSQL's `$1, $2…`, leaving those inside quoted strings, quoted names
 * and comments alone.
 */
export function numberPlaceholders(sql: string): string {
  let out = "";
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = closing(sql, i, c);
      out += sql.slice(i, end);
      i = end - 1;
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === "?") {
      out += `$${++n}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** Index just after the quote that closes the one at `start` (a doubled quote is an escape). */
function closing(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}
