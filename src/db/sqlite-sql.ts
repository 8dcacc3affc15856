/**
 * SqlDatabase on a SQLite file (better-sqlite3), the embedded default.
 *
 * It opens its own connection to the file, so that a transaction can wait (await) between its
 * statements without other code of the process landing inside it: code still on the synchronous
 * connection sees the write lock taken and waits through its WriteGate, as for any other process.
 * Work on this connection is queued, one transaction or statement at a time; a write that finds
 * the lock taken by another connection is tried again after a pause (src/db/busy.ts), never
 * blocking the event loop longer than SERVER_BUSY_TIMEOUT_MS. A write's budget (5 s) counts from
 * when it was asked for, time spent queued behind other waiting writes included: a filing behind
 * a row of logged questions gives up on time, not after all of theirs.
 */
import {
  createWriteGate,
  REQUEST_WRITE_BUDGET_MS,
  SERVER_BUSY_TIMEOUT_MS,
  type WriteGateOptions,
} from "./busy.ts";
import type BetterSqlite3 from "better-sqlite3";
import { openDatabase, type Database } from "./database.ts";
import type { SqlDatabase, SqlExecutor, SqlValue } from "./sql.ts";

export interface SqliteSqlOptions {
  /** The SQLite file (not ":memory:": a second connection must see the same data). */
  file: string;
  /** Migrations to apply on open (default: the project's). */
  migrations?: readonly string[];
  /** The busy retries (tests pass a clock and sleep). */
  gate?: WriteGateOptions;
}

export function createSqliteSql(options: SqliteSqlOptions): SqlDatabase {
  const db: Database = openDatabase(options.file, {
    busyTimeoutMs: SERVER_BUSY_TIMEOUT_MS,
    ...(options.migrations ? { migrations: options.migrations } : {}),
  });
  const gate = createWriteGate(options.gate);
  const clock = options.gate?.clock ?? (() => performance.now());
  const budgetMs = options.gate?.budgetMs ?? REQUEST_WRITE_BUDGET_MS;
  /** What is left of a budget that started at `asked` (0: one try, none while known locked). */
  const left = (asked: number) => ({ budgetMs: Math.max(0, asked + budgetMs - clock()) });
  let tail: Promise<unknown> = Promise.resolve();

  /** Runs `work` after everything queued before it on this connection. */
  function queued<T>(work: () => Promise<T>): Promise<T> {
    const result = tail.then(work, work);
    tail = result.catch(() => undefined);
    return result;
  }

  const statements = new Map<string, BetterSqlite3.Statement<unknown[]>>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare<unknown[]>(sql)));
    return statement;
  };
  const args = (params: readonly SqlValue[] = []) => params as unknown[];
  const sync = {
    all: <T>(sql: string, params?: readonly SqlValue[]) =>
      prepared(sql).all(...args(params)) as T[],
    get: <T>(sql: string, params?: readonly SqlValue[]) =>
      prepared(sql).get(...args(params)) as T | undefined,
    run: (sql: string, params?: readonly SqlValue[]) => ({
      changes: prepared(sql).run(...args(params)).changes,
    }),
  };

  /** Inside a transaction: the lock is held, every statement runs at once. */
  const direct: SqlExecutor = {
    all: (sql, params) => Promise.resolve(sync.all(sql, params)),
    get: (sql, params) => Promise.resolve(sync.get(sql, params)),
    run: (sql, params) => Promise.resolve(sync.run(sql, params)),
  };

  /** Outside one: queued; reads at once, writes (also `… RETURNING`) through the gate. */
  const alone = <T>(sql: string, op: () => T): Promise<T> => {
    const asked = clock();
    // better-sqlite3 knows whether a statement writes (`readonly`): in WAL mode a read never
    // waits for the write lock.
    return queued(() =>
      prepared(sql).readonly ? Promise.resolve(op()) : gate.run(op, left(asked)),
    );
  };
  const outside: SqlExecutor = {
    all: (sql, params) => alone(sql, () => sync.all(sql, params)),
    get: (sql, params) => alone(sql, () => sync.get(sql, params)),
    run: (sql, params) => alone(sql, () => sync.run(sql, params)),
  };

  async function inTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>, asked: number): Promise<T> {
    await gate.run(() => db.exec("BEGIN IMMEDIATE"), left(asked));
    let value: T;
    try {
      value = await fn(direct);
    } catch (err) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw err;
    }
    db.exec("COMMIT");
    return value;
  }

  const locks = new Map<string, Promise<unknown>>();

  return {
    dialect: "sqlite",
    ...outside,
    transaction: (fn) => {
      const asked = clock();
      return queued(() => inTransaction(fn, asked));
    },
    exclusive<T>(name: string, fn: (db: SqlExecutor) => Promise<T>): Promise<T> {
      const before = locks.get(name) ?? Promise.resolve();
      const result = before.then(
        () => fn(outside),
        () => fn(outside),
      );
      const settled = result.catch(() => undefined);
      locks.set(name, settled);
      void settled.then(() => {
        if (locks.get(name) === settled) locks.delete(name);
      });
      return result;
    },
    // At once, not queued: a write waiting behind another process's lock must not make the
    // database look down (/healthz). A SELECT inside a transaction under way changes nothing.
    async ping() {
      try {
        prepared("SELECT 1").get();
        return true;
      } catch {
        return false;
      }
    },
    close: () =>
      queued(async () => {
        db.close();
      }),
  };
}
