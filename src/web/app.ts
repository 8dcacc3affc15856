/**
 * The web application wired together: database (migrated), question log and HTTP server.
 * main.ts builds the assistant and hands it in; tests hand in a fake.
 */
import type http from "node:http";
import type { AddressInfo } from "node:net";
import type { Config } from "../config.ts";
import {
  createQuestionLog,
  createWriteGate,
  openDatabase,
  recordInBackground,
  SERVER_BUSY_TIMEOUT_MS,
  type Database,
  type QuestionLog,
  type WriteGate,
} from "../db/index.ts";
import type { Logger } from "../logger.ts";
import type { RouteGroup } from "./routes.ts";
import { createServer, type AskFunction, type ServerOptions } from "./server.ts";

export interface AppOptions {
  config: Pick<Config, "port" | "host" | "databaseFile">;
  logger: Logger;
  assistant: AskFunction | { ask: AskFunction };
  now?: () => Date;
  /** An already open database; by default `config.databaseFile` is opened and migrated. */
  db?: Database;
  /** Its write gate (src/db/busy.ts), shared with the routes; by default one of its own. */
  writes?: WriteGate;
  /** What `GET /healthz` adds to `{ ok: true }` (retrieval mode, embeddings model). */
  health?: () => object;
  /** More HTTP routes (feedback…), built over the app's database. */
  routes?: (db: Database) => readonly RouteGroup[];
  /** Per-client limits of the public POST routes, and the proxies trusted for the address. */
  rateLimits?: ServerOptions["rateLimits"];
  trustedProxies?: readonly string[];
}

export interface App {
  server: http.Server;
  db: Database;
  questions: QuestionLog;
  /** Listens on config.host:config.port and resolves with the URL. */
  start(): Promise<{ url: string }>;
  /** Stops accepting, closes open connections, closes the database. Safe to call twice. */
  stop(): Promise<void>;
}

export function createApp(deps: AppOptions): App {
  const { config, logger } = deps;
  const db =
    deps.db ?? openDatabase(config.databaseFile, { busyTimeoutMs: SERVER_BUSY_TIMEOUT_MS });
  const writes = deps.writes ?? createWriteGate();
  const questions = createQuestionLog(db);
  const server = createServer({
    ask: deps.assistant,
    recordQuestion: recordInBackground(questions, writes, (err) =>
      logger.warn({ err }, "question not logged"),
    ),
    logger,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.health ? { health: deps.health } : {}),
    ...(deps.routes ? { extraRoutes: deps.routes(db) } : {}),
    ...(deps.rateLimits ? { rateLimits: deps.rateLimits } : {}),
    ...(deps.trustedProxies ? { trustedProxies: deps.trustedProxies } : {}),
  });
  let stopping: Promise<void> | null = null;

  return {
    server,
    db,
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
          if (db.open) db.close();
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
