/**
 * The Zalo OA token pair, kept in the database (table `zalo_tokens`, one row).
 *
 * Zalo refresh tokens are single use: each refresh returns a new pair and kills the old refresh
 * token, so the new pair is written (one UPDATE, atomic) before the new access token is used.
 * A refresh runs under the lock "zalo-token" (`SqlDatabase.exclusive`: a PostgreSQL advisory lock
 * held across every instance sharing the database) and re-reads the row inside it: of two
 * instances needing a refresh at once, one calls Zalo, the other finds the row changed and takes
 * the new pair. Concurrent refreshes in one process share one call. Should Zalo still refuse a
 * dead refresh token (a process outside the lock refreshed), the row is re-read and the winner's
 * pair taken.
 *
 * The configured tokens (ZALO_ACCESS_TOKEN, ZALO_REFRESH_TOKEN) only seed the row (on first use,
 * under the same lock): once a refresh has happened, the row is newer than the settings. Putting
 * a *different* refresh token in the settings (after an OA admin granted access again) replaces
 * the row.
 */
import { createHash } from "node:crypto";
import type { AxiosInstance } from "axios";
import type { SqlDatabase, SqlExecutor } from "../db/index.ts";
import type { Logger } from "../logger.ts";
import { requestTokenRefresh, ZaloApiError } from "./zalo-api.ts";

export interface ZaloTokenStoreOptions {
  sql: SqlDatabase;
  /** Client for ZALO_OAUTH_BASE. */
  oauth: AxiosInstance;
  appId: string;
  appSecret: string;
  /** Seed from the settings. */
  accessToken?: string | undefined;
  refreshToken: string;
  now?: () => Date;
  /** Refresh when the access token has less than this left. Default 1 hour (it lives 25). */
  refreshMarginMs?: number;
  logger: Logger;
}

export interface ZaloTokenState {
  /** When the access token expires; null when unknown (seeded from the settings). */
  expiresAt: Date | null;
  version: number;
  updatedAt: string;
}

export interface ZaloTokenStore {
  /** A usable access token, refreshed first when missing or close to expiry. */
  accessToken(): Promise<string>;
  /**
   * Refreshes now, unless the row changed since it was last read here (another instance or call
   * refreshed meanwhile: its token is returned). With `rejected` (an access token Zalo just
   * refused), does nothing if the row already holds another one. Concurrent calls share one
   * refresh.
   */
  refresh(rejected?: string): Promise<string>;
  /** Whether the access token expires within the margin (for a periodic check). */
  needsRefresh(): Promise<boolean>;
  state(): Promise<ZaloTokenState>;
}

interface Row {
  access_token: string;
  refresh_token: string;
  access_expires_at: string | null;
  seed_hash: string;
  version: number;
  updated_at: string;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The lock every instance takes to refresh (or seed) the pair. */
export const ZALO_TOKEN_LOCK = "zalo-token";

export function createZaloTokenStore(options: ZaloTokenStoreOptions): ZaloTokenStore {
  const { sql, logger } = options;
  const now = options.now ?? (() => new Date());
  const margin = options.refreshMarginMs ?? 3600_000;

  const read = (x: SqlExecutor) => x.get<Row>(`SELECT * FROM zalo_tokens WHERE id = 1`);
  const seedHash = sha256(options.refreshToken);

  /** Seeds the row, or re-seeds it after new settings; under the lock, so never over a refresh. */
  const seed = () =>
    sql.exclusive(ZALO_TOKEN_LOCK, async (x) => {
      const row = await read(x);
      if (row && row.seed_hash === seedHash) return;
      await x.run(
        `INSERT INTO zalo_tokens
           (id, access_token, refresh_token, access_expires_at, seed_hash, version, updated_at)
         VALUES (1, ?, ?, NULL, ?, 1, ?)
         ON CONFLICT (id) DO UPDATE SET access_token = excluded.access_token,
           refresh_token = excluded.refresh_token, access_expires_at = NULL,
           seed_hash = excluded.seed_hash, version = zalo_tokens.version + 1,
           updated_at = excluded.updated_at
         WHERE zalo_tokens.seed_hash <> excluded.seed_hash`,
        [options.accessToken ?? "", options.refreshToken, seedHash, now().toISOString()],
      );
      if (row) logger.info("zalo tokens replaced by the configured ones (new refresh token)");
    });
  let seeded: Promise<void> | null = null;
  const ready = () => {
    seeded ??= seed().catch((err: unknown) => {
      seeded = null; // tried again on the next use
      throw err;
    });
    return seeded;
  };

  let inflight: Promise<string> | null = null;
  /** The version this process last saw: a row with another one was refreshed by someone else. */
  let seen: number | null = null;

  async function row(x: SqlExecutor = sql): Promise<Row> {
    await ready();
    const r = await read(x);
    if (!r) throw new Error("zalo_tokens row is missing");
    return r;
  }

  function expiring(r: Row): boolean {
    if (r.access_token === "") return true;
    if (r.access_expires_at === null) return false;
    return Date.parse(r.access_expires_at) - now().getTime() < margin;
  }

  async function callZalo(x: SqlExecutor, before: Row): Promise<string> {
    try {
      const pair = await requestTokenRefresh(options.oauth, {
        appId: options.appId,
        appSecret: options.appSecret,
        refreshToken: before.refresh_token,
      });
      const expiresAt =
        pair.expiresInSeconds === null
          ? null
          : new Date(now().getTime() + pair.expiresInSeconds * 1000).toISOString();
      // Zalo has already killed the old refresh token: store the new pair before anything else.
      await x.run(
        `UPDATE zalo_tokens SET access_token = ?, refresh_token = ?, access_expires_at = ?,
           version = version + 1, updated_at = ? WHERE id = 1`,
        [pair.accessToken, pair.refreshToken, expiresAt, now().toISOString()],
      );
      seen = before.version + 1;
      logger.info({ expiresAt, version: before.version + 1 }, "zalo access token refreshed");
      return pair.accessToken;
    } catch (err) {
      const after = await read(x).catch(() => undefined);
      if (after && after.version !== before.version && after.access_token !== "") {
        logger.info("zalo tokens were refreshed by another process; using theirs");
        seen = after.version;
        return after.access_token;
      }
      const code = err instanceof ZaloApiError ? err.apiCode : "error";
      logger.error(
        { code, retryable: err instanceof ZaloApiError && err.retryable },
        "zalo token refresh failed: if it persists, an OA admin must grant access again and " +
          "ZALO_REFRESH_TOKEN be updated",
      );
      throw err;
    }
  }

  async function doRefresh(rejected: string | undefined, known: number | null): Promise<string> {
    await ready();
    return sql.exclusive(ZALO_TOKEN_LOCK, async (x) => {
      const current = await row(x);
      if (current.access_token !== "") {
        // Refreshed while this instance waited for the lock (or before it asked): use that one.
        if (known !== null && current.version !== known) {
          seen = current.version;
          logger.info({ version: current.version }, "zalo tokens refreshed by another instance");
          return current.access_token;
        }
        if (rejected !== undefined && current.access_token !== rejected) {
          seen = current.version;
          return current.access_token;
        }
      }
      return callZalo(x, current);
    });
  }

  function refresh(rejected?: string): Promise<string> {
    inflight ??= doRefresh(rejected, seen).finally(() => {
      inflight = null;
    });
    return inflight;
  }

  return {
    async accessToken() {
      if (inflight) return inflight;
      const r = await row();
      if (!expiring(r)) {
        seen = r.version;
        return r.access_token;
      }
      if (inflight) return inflight;
      // Needs a refresh: another instance doing it now changes the version from this one.
      seen = r.version;
      return refresh();
    },
    refresh,
    needsRefresh: async () => expiring(await row()),
    async state() {
      const r = await row();
      return {
        expiresAt: r.access_expires_at === null ? null : new Date(r.access_expires_at),
        version: r.version,
        updatedAt: r.updated_at,
      };
    },
  };
}
