/**
 * A real PostgreSQL server for the contract tests: MOTCUA_TEST_POSTGRES_URL names an account that
 * may create databases (`.ci/run` sets it through scripts/test-postgres.sh; run that script
 * locally the same way). Each suite gets a fresh database, dropped afterwards. Without the
 * variable the PostgreSQL suites are skipped locally, with a line saying so; on CI they fail.
 */
import { createDatabase, type FreshDatabase } from "./pg-database.ts";

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

export type { FreshDatabase } from "./pg-database.ts";

/**
 * Creates an empty database on the test server and returns its URL; with `icuLocale` (e.g.
 * "vi-VN") its text is compared in that ICU collation instead of the server's default.
 */
export function freshPostgresDatabase(
  options: { icuLocale?: string } = {},
): Promise<FreshDatabase> {
  return createDatabase(POSTGRES_ADMIN_URL, options);
}
