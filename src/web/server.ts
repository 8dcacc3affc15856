/**
 * The HTTP server: the route table (src/web/routes.ts) as a hono app, mounted in a node:http
 * server (its timeouts and graceful stop are node's). The web chat page, `GET /healthz` and
 * `POST /api/ask` are always there; the feature files add their routes through `extraRoutes`.
 */
import http from "node:http";
import { getRequestListener, RequestError } from "@hono/node-server";
import type { Hono } from "hono";
import type { QuestionRecord } from "../db/index.ts";
import type { Logger } from "../logger.ts";
import { createAskRoute, type AskFunction } from "./ask-routes.ts";
import { HttpError } from "./errors.ts";
import { errorResponse, json, type Env } from "./http.ts";
import { loadPageAssets, pageHandlers } from "./page.ts";
import { createRateLimiters, type RateLimit, type RateLimitClass } from "./rate-limit.ts";
import { createRoutes, type RouteGroup, type RouteHandlers } from "./routes.ts";

export { MAX_QUESTION_CHARS, type AskFunction } from "./ask-routes.ts";
/** The name src/channels/start.ts knows a feature's routes by. */
export type { RouteGroup as ExtraRoute } from "./routes.ts";

export interface ServerOptions {
  /** The assistant: a function, or an object with `ask` (as `createAssistant` returns). */
  ask: AskFunction | { ask: AskFunction };
  /** Called after each answered question; failures are logged, never shown to the citizen. */
  recordQuestion?: (record: QuestionRecord) => void;
  logger: Logger;
  now?: () => Date;
  /** What `GET /healthz` adds to `{ ok: true }`; with `ok: false` it answers 503. */
  health?: () => object | Promise<object>;
  /** The feature files' handlers (chat, feedback, staff console, webhooks). */
  extraRoutes?: readonly RouteGroup[];
  /** Addresses of reverse proxies whose X-Forwarded-For is believed (TRUST_PROXY). */
  trustedProxies?: readonly string[];
  /**
   * Per-client limits of the public POST routes (the service passes RATE_LIMITS of
   * src/web/rate-limit.ts); none when absent.
   */
  rateLimits?: Partial<Record<RateLimitClass, RateLimit>>;
  /** Socket limits (ms); the defaults suit production, tests shorten them. */
  timeouts?: Partial<ServerTimeouts>;
}

export interface ServerTimeouts {
  /** From connection to the end of the request headers. */
  headersMs: number;
  /** From connection to the end of the request body. */
  requestMs: number;
  /** How often node looks for sockets past those limits (its default, 30 s, let them live on). */
  checkEveryMs: number;
}

const TIMEOUTS: ServerTimeouts = { headersMs: 10_000, requestMs: 30_000, checkEveryMs: 1_000 };

/** The route table as a hono app, without a server: tests call `.request()` on it. */
export function createHonoApp(deps: ServerOptions): Hono<Env> {
  const ask = typeof deps.ask === "function" ? deps.ask : deps.ask.ask.bind(deps.ask);
  const extra: RouteGroup = Object.assign({}, ...(deps.extraRoutes ?? []));
  const handlers: RouteHandlers = {
    ...extra,
    page: pageHandlers(loadPageAssets("chat")),
    health: async () => {
      const body = { ok: true, ...(await deps.health?.()) };
      return json(body, body.ok === false ? 503 : 200);
    },
    ask: createAskRoute({
      ask,
      recordQuestion: deps.recordQuestion,
      logger: deps.logger,
      now: deps.now ?? (() => new Date()),
    }),
  };
  const limiters = deps.rateLimits
    ? createRateLimiters({
        now: deps.now ?? (() => new Date()),
        limits: deps.rateLimits,
        ...(deps.trustedProxies ? { trustedProxies: deps.trustedProxies } : {}),
      })
    : undefined;
  return createRoutes(handlers, deps.logger, limiters);
}

export function createServer(deps: ServerOptions): http.Server {
  const { logger } = deps;
  const listener = getRequestListener(createHonoApp(deps).fetch, {
    // The OpenAI and LangChain clients use the global fetch: leave Request and Response alone.
    overrideGlobalObjects: false,
    hostname: "localhost",
    // A request node-server cannot turn into a Request (bad Host, bad target) is a 400.
    errorHandler: (err) =>
      errorResponse(
        err instanceof RequestError
          ? new HttpError(400, "bad_request")
          : new HttpError(500, "internal_error"),
      ),
  });
  const limits = { ...TIMEOUTS, ...deps.timeouts };
  // A slow client must not hold a socket: a request whose headers (or body) are not in by the
  // limit gets 408 and its socket is closed within `checkEveryMs` of it.
  const options: http.ServerOptions = {
    headersTimeout: limits.headersMs,
    requestTimeout: limits.requestMs,
    connectionsCheckingInterval: limits.checkEveryMs,
  };
  const server = http.createServer(options, (req, res) => {
    const started = Date.now();
    res.on("finish", () => {
      const path = (req.url ?? "/").split("?")[0];
      logger.debug(
        { method: req.method, path, status: res.statusCode, ms: Date.now() - started },
        "request",
      );
    });
    void listener(req, res);
  });
  return server;
}
