/**
 * SqlDatabase on PostgreSQL (node-postgres), for several instances behind a load balancer.
 *
 * `openPostgres(url)` connects (a clear error naming the host, never the password), applies the
 * PostgreSQL migrations (src/db/pg-migrations.ts) under an advisory lock so that instances
 * starting together apply each once, and refuses a schema newer than this program knows.
 * node-postgres itself is loaded by `openPostgres`, so an instance on SQLite never loads it.
 */
import type pg from "pg";
import { MotcuaError } from "../errors.ts";
import { MigrationError } from "./database.ts";
import { PG_MIGRATIONS } from "./pg-migrations.ts";
import { numberPlaceholders, type SqlDatabase, type SqlExecutor, type SqlValue } from "./sql.ts";

/** The database could not be reached or refused us; `target` is host:port/database only. */
export class DatabaseUnreachableError extends MotcuaError {
  readonly code = "database_unreachable";
  constructor(
    readonly target: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`PostgreSQL at ${target} is unreachable: ${reason}`, options);
  }
}

export interface PostgresOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Default: the project's PG_MIGRATIONS. */
  migrations?: readonly string[];
  /** Connections kept. Default 10. */
  poolSize?: number;
  /** Wait for a connection. Default 5 s. */
  connectTimeoutMs?: number;
}

/**
 * The database could not be reached for this statement (server down, restarting, connection lost
 * or no pooled connection in time): nothing was done, and the pool reconnects on the next call.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseUnreachableError) return true;
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === "string" ? e.code : "";
  // SQLSTATE class 08 (connection exception), 57P01–57P03 (shutdown, cannot connect now).
  if (/^(08|57P0[123])/.test(code)) return true;
  if (["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND"].includes(code)) return true;
  const message = typeof e?.message === "string" ? e.message : "";
  return /Connection terminated|not queryable|terminating connection|timeout exceeded when trying to connect/i.test(
    message,
  );
}

/** host:port/database of a connection URL, without user or password. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || "localhost"}:${u.port || "5432"}${u.pathname || "/"}`;
  } catch {
    return "(an invalid DATABASE_URL)";
  }
}

/** What went wrong, in words that carry neither the URL nor the password. */
function reasonOf(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === "ECONNREFUSED") return "connection refused";
  if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN") return "host not found";
  if (e.code === "ETIMEDOUT") return "connection timed out";
  if (e.code === "28P01" || e.code === "28000") return "authentication failed";
  if (e.code === "3D000") return "database does not exist";
  const message = e.message ?? String(err);
  return /timeout/i.test(message) ? "connection timed out" : `error ${e.code ?? "unknown"}`;
}

// BIGINT and NUMERIC come back as numbers (counts, ids and versions fit), not strings.
function typesOf(driver: typeof pg) {
  const { builtins, getTypeParser } = driver.types;
  return {
    getTypeParser(oid: number, format?: "text" | "binary") {
      if (oid === builtins.INT8 || oid === builtins.NUMERIC) return Number;
      return getTypeParser(oid, format);
    },
  };
}

function executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  const query = (sql: string, params: readonly SqlValue[] = []) =>
    client.query(numberPlaceholders(sql), params as unknown[]);
  return {
    all: async <T extends object>(sql: string, params?: readonly SqlValue[]) =>
      (await query(sql, params)).rows as T[],
    get: async <T extends object>(sql: string, params?: readonly SqlValue[]) =>
      (await query(sql, params)).rows[0] as T | undefined,
    run: async (sql, params) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
  };
}

/** The schema version, in a one-row table (PostgreSQL has no user_version). */
const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS motcua_schema (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
)`;
/** Any constant: the advisory lock held while migrating. */
const MIGRATION_LOCK = 727_001;

async function migrate(pool: pg.Pool, migrations: readonly string[]): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(VERSION_TABLE);
    await client.query(
      "INSERT INTO motcua_schema (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
    );
    const { rows } = await client.query<{ version: number }>(
      "SELECT version FROM motcua_schema WHERE id = 1",
    );
    const current = rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new MigrationError(
        `Database schema version ${current} is newer than this program knows (${migrations.length}); ` +
          "upgrade the program or use another database.",
        current,
      );
    }
    for (let version = current + 1; version <= migrations.length; version++) {
      try {
        await client.query("BEGIN");
        await client.query(migrations[version - 1]!);
        await client.query("UPDATE motcua_schema SET version = $1 WHERE id = 1", [version]);
        await client.query("COMMIT");
        applied.push(version);
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        const reason = err instanceof Error ? err.message : String(err);
        throw new MigrationError(`Migration ${version} failed: ${reason}`, version, { cause: err });
      }
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}

export async function openPostgres(options: PostgresOptions): Promise<SqlDatabase> {
  const target = describeTarget(options.url);
  const { default: driver } = await import("pg");
  const pool = new driver.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    types: typesOf(driver),
  });
  // An idle connection the server dropped must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
  try {
    await pool.query("SELECT 1");
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new DatabaseUnreachableError(target, reasonOf(err));
  }
  try {
    await migrate(pool, options.migrations ?? PG_MIGRATIONS);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  const outside = executor(pool);
  /** A pooled connection; a server-side end while it is out fails its query, not the process. */
  async function checkout(): Promise<pg.PoolClient> {
    const client = await pool.connect();
    if (client.listenerCount("error") === 0) client.on("error", () => undefined);
    return client;
  }

  return {
    dialect: "postgres",
    ...outside,
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await checkout();
      let broken = false;
      try {
        await client.query("BEGIN");
        const value = await fn(executor(client));
        await client.query("COMMIT");
        return value;
      } catch (err) {
        broken = isDatabaseUnavailable(err);
        if (!broken) await client.query("ROLLBACK").catch(() => (broken = true));
        throw err;
      } finally {
        // A connection the server ended is dropped, not handed to the next caller.
        client.release(broken);
      }
    },
    async exclusive<T>(name: string, fn: (db: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await checkout();
      let locked = false;
      try {
        await client.query("SELECT pg_advisory_lock(hashtext($1))", [name]);
        locked = true;
        return await fn(executor(client));
      } finally {
        // A failed unlock (lost connection) frees the lock anyway: it dies with the session.
        const unlock = locked
          ? client.query("SELECT pg_advisory_unlock(hashtext($1))", [name]).then(
              () => true,
              () => false,
            )
          : Promise.resolve(true);
        client.release(!(await unlock));
      }
    },
    async ping() {
      try {
        await pool.query("SELECT 1");
        return true;
      } catch {
        return false;
      }
    },
    close: () => pool.end(),
  };
}
