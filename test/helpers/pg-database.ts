/**
 * A fresh database on a PostgreSQL server, for the contract tests (test/helpers/postgres.ts) and
 * the engines bench: created empty, dropped afterwards. No environment is read here.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty database through `adminUrl` (an account that may create databases) and returns
 * its URL; with `icuLocale` (e.g. "vi-VN") its text is compared in that ICU collation instead of
 * the server's default.
 */
export async function createDatabase(
  adminUrl: string,
  options: { icuLocale?: string; prefix?: string } = {},
): Promise<FreshDatabase> {
  const name = `${options.prefix ?? "motcua_test"}_${randomBytes(6).toString("hex")}`;
  const locale = options.icuLocale;
  if (locale !== undefined && !/^[A-Za-z-]+$/.test(locale)) throw new Error(`locale ${locale}?`);
  await withClient(adminUrl, (c) =>
    c.query(
      locale === undefined
        ? `CREATE DATABASE ${name}`
        : `CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${locale}'`,
    ),
  );
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withClient(adminUrl, async (c) => {
        // A plain drop first: it makes an autovacuum worker in the database (the server's own
        // role, which FORCE may not end) leave. Only connections of ours still open refuse it
        // (55006), and those FORCE may end.
        try {
          await c.query(`DROP DATABASE IF EXISTS ${name}`);
        } catch (err) {
          if ((err as { code?: unknown }).code !== "55006") throw err;
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        }
      }),
  };
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
