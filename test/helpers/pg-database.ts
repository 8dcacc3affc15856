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
        const drop = (force: boolean) =>
          c.query(`DROP DATABASE IF EXISTS ${name}${force ? " WITH (FORCE)" : ""}`);
        const code = (err: unknown) => (err as { code?: unknown }).code;
        try {
          // FORCE ends the connections of ours still open, at once.
          await drop(true);
        } catch (err) {
          // It may not end an autovacuum worker (the server's own role, 42501); a plain drop
          // makes that one leave, and FORCE then ends ours if the plain drop gave up on them.
          if (code(err) !== "42501") throw err;
          await drop(false).catch(async (again: unknown) => {
            if (code(again) !== "55006") throw again;
            await drop(true);
          });
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
