/**
 * The Zalo OA token pair, kept in SQLite (table `zalo_tokens`, one row).
 *
 * Zalo refresh tokens are single use: each refresh returns a new pair and kills the old refresh
 * token, so the new pair is written (one UPDATE, atomic) before the new access token is used, and
 * concurrent refreshes in this process share one call. Another process sharing the database that
 * loses the race sees Zalo refuse the dead refresh token, re-reads the row and takes the winner's
 * pair.
 *
 * The configured tokens (ZALO_ACCESS_TOKEN, ZALO_REFRESH_TOKEN) only seed the row: once a refresh
 * has happened, the row is newer than the settings. Putting a *different* refresh token in the
 * settings (after an OA admin granted access again) replaces the row.
 */
import { createHash } from "node:crypto";
import type { AxiosInstance } from "axios";
import type { Database } from "../db/index.ts";
import type { Logger } from "../logger.ts";
import { requestTokenRefresh, ZaloApiError } from "./zalo-api.ts";

export interface ZaloTokenStoreOptions {
  db: Database;
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
   * Refreshes now. With `rejected` (an access token Zalo just refused), does nothing if the row
   * already holds another one (someone refreshed meanwhile). Concurrent calls share one refresh.
   */
  refresh(rejected?: string): Promise<string>;
  /** Whether the access token expires within the margin (for a periodic check). */
  needsRefresh(): boolean;
  state(): ZaloTokenState;
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

export function createZaloTokenStore(options: ZaloTokenStoreOptions): ZaloTokenStore {
  const { db, logger } = options;
  const now = options.now ?? (() => new Date());
  const margin = options.refreshMarginMs ?? 3600_000;

  const read = db.prepare<[], Row>(`SELECT * FROM zalo_tokens WHERE id = 1`);
  const upsertSeed = db.prepare<[string, string, string, string]>(
    `INSERT INTO zalo_tokens
       (id, access_token, refresh_token, access_expires_at, seed_hash, version, updated_at)
     VALUES (1, ?, ?, NULL, ?, 1, ?)
     ON CONFLICT (id) DO UPDATE SET access_token = excluded.access_token,
       refresh_token = excluded.refresh_token, access_expires_at = NULL,
       seed_hash = excluded.seed_hash, version = zalo_tokens.version + 1,
       updated_at = excluded.updated_at`,
  );
  const store = db.prepare<[string, string, string | null, string]>(
    `UPDATE zalo_tokens SET access_token = ?, refresh_token = ?, access_expires_at = ?,
       version = version + 1, updated_at = ? WHERE id = 1`,
  );

  // Seed (or re-seed after new settings) in one IMMEDIATE transaction.
  const seedHash = sha256(options.refreshToken);
  db.transaction(() => {
    const row = read.get();
    if (!row || row.seed_hash !== seedHash) {
      upsertSeed.run(
        options.accessToken ?? "",
        options.refreshToken,
        seedHash,
        now().toISOString(),
      );
      if (row) logger.info("zalo tokens replaced by the configured ones (new refresh token)");
    }
  }).immediate();

  let inflight: Promise<string> | null = null;

  function row(): Row {
    const r = read.get();
    if (!r) throw new Error("zalo_tokens row is missing");
    return r;
  }

  function expiring(r: Row): boolean {
    if (r.access_token === "") return true;
    if (r.access_expires_at === null) return false;
    return Date.parse(r.access_expires_at) - now().getTime() < margin;
  }

  async function doRefresh(): Promise<string> {
    const before = row();
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
      store.run(pair.accessToken, pair.refreshToken, expiresAt, now().toISOString());
      logger.info({ expiresAt, version: before.version + 1 }, "zalo access token refreshed");
      return pair.accessToken;
    } catch (err) {
      const after = read.get();
      if (after && after.version !== before.version && after.access_token !== "") {
        logger.info("zalo tokens were refreshed by another process; using theirs");
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

  function refresh(rejected?: string): Promise<string> {
    if (inflight) return inflight;
    if (rejected !== undefined) {
      const current = row().access_token;
      if (current !== "" && current !== rejected) return Promise.resolve(current);
    }
    inflight = doRefresh().finally(() => {
      inflight = null;
    });
    return inflight;
  }

  return {
    async accessToken() {
      if (inflight) return inflight;
      const r = row();
      return expiring(r) ? refresh() : r.access_token;
    },
    refresh,
    needsRefresh: () => expiring(row()),
    state() {
      const r = row();
      return {
        expiresAt: r.access_expires_at === null ? null : new Date(r.access_expires_at),
        version: r.version,
        updatedAt: r.updated_at,
      };
    },
  };
}
