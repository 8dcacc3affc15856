/**
 * The hotline staff console (src/handoff); rows in src/web/routes.ts:
 *
 *   GET  /staff, /staff/staff.js, /staff/staff.css    the page
 *   POST /staff/api/login   { token }  → { officer } + HttpOnly session cookie (a staff token)
 *   POST /staff/api/logout
 *   GET  /staff/api/tickets            → { officer, tickets: [ticket + transcript], report }
 *   POST /staff/api/tickets/:id/claim | /reply { text } | /close
 *
 * The session cookie is HttpOnly, SameSite=Strict, Path=/staff (Secure unless `insecureCookie`);
 * `session` checks it. Against CSRF, every POST must be JSON (a cross-site form cannot send it
 * without a preflight) and, when the browser sends an Origin, come from this host (the table's
 * `sameOrigin`). Sessions live in memory: a restart asks staff to log in again.
 */
import { createHash, randomBytes } from "node:crypto";
import { generateCookie, getCookie } from "hono/cookie";
import { z } from "zod";
import type { StaffAuth } from "../feedback/index.ts";
import type { Handoff, Officer } from "../handoff/index.ts";
import type { Logger } from "../logger.ts";
import { HttpError } from "./errors.ts";
import { clientAddress, json, type Handler, type Middleware } from "./http.ts";
import { loadPageAssets, pageHandlers } from "./page.ts";
import type { RouteGroup } from "./routes.ts";

export const STAFF_COOKIE = "motcua_staff";
const SESSION_MS = 12 * 3600_000;
const REPORT_DAYS = 7;
const LOGIN_TRIES = 5;
const LOGIN_WINDOW_MS = 60_000;

export interface StaffRouteDeps {
  handoff: Handoff;
  staff: StaffAuth;
  logger: Logger;
  now?: () => Date;
  /** Tests over plain http: no Secure flag. */
  insecureCookie?: boolean;
}

const MESSAGES = {
  unauthorized: "Cần đăng nhập cán bộ. / Staff login required.",
  bad_token: "Mã đăng nhập không đúng. / Wrong staff token.",
  invalid_request: "Yêu cầu không hợp lệ. / Invalid request.",
  too_many_attempts:
    "Sai mã quá nhiều lần, thử lại sau 1 phút. / Too many attempts, retry in a minute.",
} as const;

const loginBody = z.object({ token: z.string().min(1).max(512) }).strict();
const replyBody = z.object({ text: z.string().min(1).max(4000) }).strict();

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

export function createStaffRoutes(deps: StaffRouteDeps): RouteGroup {
  const { handoff, staff, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const page = pageHandlers(loadPageAssets("staff"));
  /** Failed logins per client address in the current minute: at most LOGIN_TRIES. */
  const failures = new Map<string, { count: number; since: number }>();
  const tooManyFailures = (addr: string) => {
    const f = failures.get(addr);
    if (!f || now().getTime() - f.since > LOGIN_WINDOW_MS) return false;
    return f.count >= LOGIN_TRIES;
  };
  const failed = (addr: string) => {
    const t = now().getTime();
    const f = failures.get(addr);
    if (!f || t - f.since > LOGIN_WINDOW_MS) {
      if (failures.size > 10_000) failures.clear();
      failures.set(addr, { count: 1, since: t });
    } else f.count++;
  };
  /** sha256(session id) → who and until when. */
  const sessions = new Map<string, { name: string; expires: number }>();

  const cookie = (value: string, maxAge: number) => ({
    "Set-Cookie": generateCookie(STAFF_COOKIE, value, {
      path: "/staff",
      httpOnly: true,
      sameSite: "Strict",
      maxAge,
      secure: !deps.insecureCookie,
    }),
  });

  const session: Middleware = async (c, next) => {
    const sid = getCookie(c, STAFF_COOKIE);
    const found = sid ? sessions.get(sha(sid)) : undefined;
    if (!found || found.expires < now().getTime()) {
      if (sid) sessions.delete(sha(sid));
      throw new HttpError(401, "unauthorized", MESSAGES.unauthorized);
    }
    c.set("staff", found.name);
    await next();
  };

  const officerOf = (name: string): Officer => ({ id: `web:${name}`, name, source: "web" });

  const login: Handler = (c) => {
    const addr = clientAddress(c);
    if (tooManyFailures(addr)) {
      throw new HttpError(429, "too_many_attempts", MESSAGES.too_many_attempts, {
        "Retry-After": String(LOGIN_WINDOW_MS / 1000),
      });
    }
    const parsed = loginBody.safeParse(c.var.body);
    const name = parsed.success ? staff.verify(parsed.data.token) : null;
    if (!name) {
      failed(addr);
      logger.warn({}, "staff console login refused");
      throw new HttpError(401, "bad_token", MESSAGES.bad_token);
    }
    const sid = randomBytes(32).toString("base64url");
    sessions.set(sha(sid), { name, expires: now().getTime() + SESSION_MS });
    return json({ officer: name }, 200, cookie(sid, SESSION_MS / 1000));
  };

  const logout: Handler = (c) => {
    const sid = getCookie(c, STAFF_COOKIE);
    if (sid) sessions.delete(sha(sid));
    return json({ ok: true }, 200, cookie("", 0));
  };

  function tickets(officer: Officer) {
    const to = now();
    const from = new Date(to.getTime() - REPORT_DAYS * 86_400_000);
    return {
      officer: officer.name,
      tickets: handoff.store.list(["waiting", "assigned"]).map((t) => ({
        id: t.id,
        channel: t.channel,
        status: t.status,
        reason: t.reason,
        summary: t.summary,
        assignee: t.assigneeName,
        mine: t.assignee === officer.id,
        createdAt: t.createdAt,
        transcript: handoff.store.transcript(t.id).map((l) => ({
          author: l.author,
          text: l.text,
          at: l.at,
        })),
      })),
      report: handoff.report(from, new Date(to.getTime() + 1)),
    };
  }

  const act =
    (verb: "claim" | "reply" | "close"): Handler =>
    async (c) => {
      const id = Number(c.req.param("id"));
      const officer = officerOf(c.var.staff);
      if (verb === "claim") await handoff.claim(id, officer);
      else if (verb === "close") await handoff.close(id, officer);
      else {
        const parsed = replyBody.safeParse(c.var.body);
        if (!parsed.success) throw new HttpError(400, "invalid_request", MESSAGES.invalid_request);
        await handoff.reply(id, officer, parsed.data.text);
      }
      logger.info({ ticket: id, verb, officer: officer.id }, "hand-off staff action");
      return json({ ok: true });
    };

  return {
    console: {
      session,
      page: page.html,
      js: page.js,
      css: page.css,
      login,
      logout,
      tickets: (c) => json(tickets(officerOf(c.var.staff))),
      claim: act("claim"),
      reply: act("reply"),
      close: act("close"),
    },
  };
}
