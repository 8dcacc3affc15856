/**
 * A real PostgreSQL server for the contract tests: MOTCUA_TEST_POSTGRES_URL names an account that
 * may create databases (`.ci/run` sets it through scripts/test-postgres.sh; run that script
 * locally the same way). Each suite gets a fresh database, dropped afterwards. Without the
 * variable the PostgreSQL suites are skipped locally, with a line saying so; on CI they fail.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export const POSTGRES_ADMIN_URL = process.env.MOTCUA_TEST_POSTGRES_URL ?? "";

if (!POSTGRES_ADMIN_URL) {
  if (process.env.CI) {
    throw new Error(
      "CI runs the PostgreSQL suites: set MOTCUA_TEST_POSTGRES_URL (see scripts/test-postgres.sh)",
    );
  }
  console.warn(
    "PostgreSQL suites skipped: MOTCUA_TEST_POSTGRES_URL is not set " +
      '(eval "$(bash scripts/test-postgres.sh)" starts a local server and sets it)',
  );
}

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty database on the test server and returns its URL; with `icuLocale` (e.g.
 * "vi-VN") its text is compared in that ICU collation instead of the server's default.
 */
export async function freshPostgresDatabase(
  options: { icuLocale?: string } = {},
): Promise<FreshDatabase> {
  const name = `motcua_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    const locale = options.icuLocale;
    if (locale !== undefined && !/^[A-Za-z-]+$/.test(locale)) throw new Error(`locale ${locale}?`);
    await admin.query(
      locale === undefined
        ? `CREATE DATABASE ${name}`
        : `CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${locale}'`,
    );
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
