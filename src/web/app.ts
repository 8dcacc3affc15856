/**
 * The web application wired together: question log and HTTP server over the SqlDatabase
 * (src/db/sql.ts: SQLite or PostgreSQL). main.ts builds the assistant and the database and hands
 * them in; tests hand in fakes. The database is the caller's: it outlives the app and is closed by
 * whoever opened it.
 */
import type http from "node:http";
import type { AddressInfo } from "node:net";
import type { Config } from "../config.ts";
import {
  createSqlQuestionLog,
  recordInBackground,
  type SqlDatabase,
  type SqlQuestionLog,
} from "../db/index.ts";
import type { Logger } from "../logger.ts";
import type { RouteGroup } from "./routes.ts";
import { createServer, type AskFunction, type ServerOptions } from "./server.ts";

/** How long /healthz waits for the database's answer before reporting it not ready. */
export const HEALTH_DATABASE_TIMEOUT_MS = 1_000;

export interface AppOptions {
  config: Pick<Config, "port" | "host">;
  logger: Logger;
  assistant: AskFunction | { ask: AskFunction };
  now?: () => Date;
  /** The database: the question log of /api/ask, and the state /healthz reports. */
  sql: SqlDatabase;
  /** What `GET /healthz` adds to `{ ok: true }` (retrieval mode, embeddings model). */
  health?: () => object;
  /** Default HEALTH_DATABASE_TIMEOUT_MS. */
  healthTimeoutMs?: number;
  /** More HTTP routes (chat, feedback, staff console, webhooks). */
  routes?: () => readonly RouteGroup[];
  /** Per-client limits of the public POST routes, and the proxies trusted for the address. */
  rateLimits?: ServerOptions["rateLimits"];
  trustedProxies?: readonly string[];
}

export interface App {
  server: http.Server;
  questions: SqlQuestionLog;
  /** Listens on config.host:config.port and resolves with the URL. */
  start(): Promise<{ url: string }>;
  /** Stops accepting and closes open connections (not the database). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * `sql.ping()`, or false when it has not answered within `ms`. On SQLite a ping does not wait
 * for writes queued behind a lock another process holds (src/db/sqlite-sql.ts).
 */
async function pingWithin(sql: SqlDatabase, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([sql.ping(), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function createApp(deps: AppOptions): App {
  const { config, logger, sql } = deps;
  const questions = createSqlQuestionLog(sql);
  const timeoutMs = deps.healthTimeoutMs ?? HEALTH_DATABASE_TIMEOUT_MS;
  const server = createServer({
    ask: deps.assistant,
    recordQuestion: recordInBackground(questions, (err) =>
      logger.warn({ err }, "question not logged"),
    ),
    logger,
    ...(deps.now ? { now: deps.now } : {}),
    // An unreachable database answers 503 (ok: false): a load balancer takes the instance out.
    health: async () => {
      const ready = await pingWithin(sql, timeoutMs);
      return { ...deps.health?.(), database: { engine: sql.dialect, ready }, ok: ready };
    },
    ...(deps.routes ? { extraRoutes: deps.routes() } : {}),
    ...(deps.rateLimits ? { rateLimits: deps.rateLimits } : {}),
    ...(deps.trustedProxies ? { trustedProxies: deps.trustedProxies } : {}),
  });
  let stopping: Promise<void> | null = null;

  return {
    server,
    questions,
    start() {
      return new Promise((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.once("error", onError);
        server.listen(config.port, config.host, () => {
          server.off("error", onError);
          const { address, port } = server.address() as AddressInfo;
          const host = address.includes(":") ? `[${address}]` : address;
          const url = `http://${host}:${port}/`;
          logger.info({ url }, `motcua web chat listening on ${url}`);
          resolve({ url });
        });
      });
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        const finish = () => {
          logger.info("motcua stopped");
          resolve();
        };
        if (!server.listening) return finish();
        server.close(() => finish());
        server.closeIdleConnections();
        // In-flight requests get a moment to finish; then their sockets are cut.
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      });
      return stopping;
    },
  };
}
