/**
 * Every HTTP route of motcua, in one table: method, path, body limit, auth and handler. The
 * handlers come from the feature files (ask-routes, page, chat-routes, feedback-routes,
 * staff-routes — the hand-over console and the PAKN desk —, channel-routes); a row whose handler is absent (feature not wired, channel not
 * configured) is not mounted and answers 404.
 *
 * Around the rows: a GET route answers HEAD too (unless `head: false`); a known path with another
 * method gets 405 with `Allow`; an unknown path 404; every error goes through src/web/errors.ts.
 * A POST row is checked in this order: its rate `limit`, `sameOrigin`, `auth`, then its body (JSON unless `raw`:
 * 415 for another content type, 413 past `maxBytes` without reading on, 400 for bad JSON).
 */
import { Hono } from "hono";
import type { Logger } from "../logger.ts";
import { HttpError, toHttpError } from "./errors.ts";
import type { RateLimiters, RateLimitClass } from "./rate-limit.ts";
import {
  errorResponse,
  jsonBody,
  KB,
  MiB,
  rawBody,
  sameOrigin,
  type Env,
  type Handler,
  type Middleware,
} from "./http.ts";

/** What the table mounts; the optional parts come from the feature files as a `RouteGroup`. */
export interface RouteHandlers {
  page: Record<"html" | "js" | "css", Handler>;
  health: Handler;
  ask: Handler;
  /** src/web/chat-routes.ts */
  chat?: Record<"turn" | "inbox", Handler>;
  /** src/web/feedback-routes.ts; `staffToken`: Authorization: Bearer <staff token>. */
  feedback?: { staffToken: Middleware } & Record<
    "file" | "citizenView" | "list" | "staffView" | "status" | "assign" | "progress",
    Handler
  >;
  /** src/web/staff-routes.ts, the hotline console; `session`: its login cookie. */
  console?: { session: Middleware } & Record<
    "page" | "js" | "css" | "login" | "logout" | "tickets" | "claim" | "reply" | "close",
    Handler
  >;
  /** src/web/staff-routes.ts, the officials' PAKN desk and dashboard (the console's session). */
  desk?: { session: Middleware } & Record<
    | "page"
    | "js"
    | "charts"
    | "me"
    | "list"
    | "view"
    | "status"
    | "assign"
    | "progress"
    | "dashboard"
    | "csv"
    | "xlsx",
    Handler
  >;
  /** src/web/channel-routes.ts */
  zalo?: Handler;
  telegram?: { secret: Middleware; update: Handler; maxBytes?: number };
}

/** What a feature file hands the server (`extraRoutes`): its part of the handlers. */
export type RouteGroup = Partial<Omit<RouteHandlers, "page" | "health" | "ask">>;

export interface Route {
  method: "GET" | "POST";
  path: string;
  handler: Handler | undefined;
  /** POST: the body limit in bytes (413 past it). */
  maxBytes?: number;
  /** POST: the body as exact bytes (`c.var.raw`), any content type; else JSON (`c.var.body`, 415). */
  raw?: true;
  /** Who may call (401 otherwise): checked before the body is read. */
  auth?: Middleware | undefined;
  /** The browser's Origin, when sent, must be this host (403 otherwise; against CSRF). */
  sameOrigin?: true;
  /** GET: false when reading has an effect (HEAD would have it too), so HEAD is 405. */
  head?: false;
  /** Per-client request limit (src/web/rate-limit.ts), checked before the body is read. */
  limit?: RateLimitClass;
}

type Options = Pick<Route, "raw" | "auth" | "sameOrigin" | "head" | "limit">;

function get(path: string, handler: Handler | undefined, options: Options = {}): Route {
  return { method: "GET", path, handler, ...options };
}

function post(path: string, maxBytes: number, handler: Handler | undefined, options: Options = {}) {
  return { method: "POST", path, maxBytes, handler, ...options } satisfies Route;
}

const TICKET = "/staff/api/tickets/:id{[0-9]{1,12}}";
const CASE = "/staff/api/pakn/:ref";

export function routeTable(h: RouteHandlers): Route[] {
  const { chat, feedback: fb, console: staff, desk, telegram: tg } = h;
  const bearer = fb?.staffToken;
  const session = staff?.session;
  const deskSession = desk?.session;
  return [
    // The web chat page, the probe, and stateless questions for API users.
    get("/", h.page.html),
    get("/chat.js", h.page.js),
    get("/chat.css", h.page.css),
    get("/healthz", h.health),
    post("/api/ask", 16 * KB, h.ask, { limit: "ask" }),

    // The web chat over the dialogue core (32 KB: a 4,000-character complaint fits). The inbox
    // hands its messages out once, so HEAD must not read it.
    post("/api/chat", 32 * KB, chat?.turn, { limit: "chat" }),
    get("/api/chat/inbox", chat?.inbox, { head: false }),

    // PAKN: citizens file and follow cases; staff (bearer token) list and move them.
    post("/api/feedback", 32 * KB, fb?.file, { limit: "feedback" }),
    get("/api/feedback/:ref", fb?.citizenView),
    get("/api/staff/feedback", fb?.list, { auth: bearer }),
    get("/api/staff/feedback/:ref", fb?.staffView, { auth: bearer }),
    post("/api/staff/feedback/:ref/status", 16 * KB, fb?.status, { auth: bearer }),
    post("/api/staff/feedback/:ref/assign", 16 * KB, fb?.assign, { auth: bearer }),
    post("/api/staff/feedback/:ref/progress", 16 * KB, fb?.progress, { auth: bearer }),

    // The hotline staff console: the page, login (session cookie), tickets.
    get("/staff", staff?.page),
    get("/staff/", staff?.page),
    get("/staff/staff.js", staff?.js),
    get("/staff/staff.css", staff?.css),
    post("/staff/api/login", 16 * KB, staff?.login, { sameOrigin: true }),
    post("/staff/api/logout", 16 * KB, staff?.logout, { sameOrigin: true }),
    get("/staff/api/tickets", staff?.tickets, { auth: session }),
    post(`${TICKET}/claim`, 16 * KB, staff?.claim, { sameOrigin: true, auth: session }),
    post(`${TICKET}/reply`, 16 * KB, staff?.reply, { sameOrigin: true, auth: session }),
    post(`${TICKET}/close`, 16 * KB, staff?.close, { sameOrigin: true, auth: session }),

    // The officials' PAKN desk and dashboard, in the same console (same login and session).
    get("/staff/pakn", desk?.page),
    get("/staff/pakn/:ref", desk?.page),
    get("/staff/thongke", desk?.page),
    get("/staff/desk.js", desk?.js),
    get("/staff/charts.js", desk?.charts),
    get("/staff/api/me", desk?.me, { auth: deskSession }),
    get("/staff/api/pakn", desk?.list, { auth: deskSession }),
    get(CASE, desk?.view, { auth: deskSession }),
    post(`${CASE}/status`, 16 * KB, desk?.status, { sameOrigin: true, auth: deskSession }),
    post(`${CASE}/assign`, 16 * KB, desk?.assign, { sameOrigin: true, auth: deskSession }),
    post(`${CASE}/progress`, 16 * KB, desk?.progress, { sameOrigin: true, auth: deskSession }),
    get("/staff/api/dashboard", desk?.dashboard, { auth: deskSession }),
    get("/staff/api/report.csv", desk?.csv, { auth: deskSession }),
    get("/staff/api/report.xlsx", desk?.xlsx, { auth: deskSession }),

    // Chat channel webhooks, for a configured channel only. Zalo signs the exact bytes.
    post("/webhooks/zalo", 64 * KB, h.zalo, { raw: true }),
    post("/webhooks/telegram", tg?.maxBytes ?? MiB, tg?.update, { raw: true, auth: tg?.secret }),
  ];
}

/** The hono app of the table: rows mounted, 405 / 404 / errors answered as JSON. */
export function createRoutes(
  handlers: RouteHandlers,
  logger: Logger,
  limiters?: RateLimiters,
): Hono<Env> {
  const app = new Hono<Env>();
  const allow = new Map<string, string[]>();
  const notAllowed = (path: string) =>
    new HttpError(405, "method_not_allowed", undefined, {
      Allow: (allow.get(path) ?? []).join(", "),
    });

  for (const route of routeTable(handlers)) {
    const { method, path, handler } = route;
    if (!handler) continue;
    const { maxBytes } = route;
    const chain: Middleware[] = [
      ...(route.limit && limiters ? [limiters.middleware(route.limit)] : []),
      ...(route.sameOrigin ? [sameOrigin] : []),
      ...(route.auth ? [route.auth] : []),
      ...(maxBytes === undefined ? [] : [route.raw ? rawBody(maxBytes) : jsonBody(maxBytes)]),
    ];
    const run: Handler =
      route.head === false
        ? (c) => {
            if (c.req.method === "HEAD") throw notAllowed(path);
            return handler(c);
          }
        : handler;
    app.on(method, [path], ...chain, run);
    const methods = method === "GET" && route.head !== false ? ["GET", "HEAD"] : [method];
    allow.set(path, [...(allow.get(path) ?? []), ...methods]);
  }
  // Registered after every row, so only a method no row of the path takes gets here.
  for (const path of allow.keys()) {
    app.all(path, () => {
      throw notAllowed(path);
    });
  }

  app.notFound(() => errorResponse(new HttpError(404, "not_found")));
  app.onError((err, c) => {
    let known = toHttpError(err);
    if (!known) {
      logger.error({ err, method: c.req.method, path: c.req.path }, "unhandled error");
      known = new HttpError(500, "internal_error");
    } else if (known.status >= 500 || known.status === 413) {
      logger.warn({ path: c.req.path, status: known.status, code: known.code }, "request failed");
    }
    return errorResponse(known);
  });
  return app;
}
