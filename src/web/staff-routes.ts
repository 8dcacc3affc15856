/**
 * The hotline staff console (src/handoff), mounted through the server's `extraRoutes` hook:
 *
 *   GET  /staff, /staff/staff.js, /staff/staff.css    the page
 *   POST /staff/api/login   { token }  → 204 + HttpOnly session cookie (a staff bearer token)
 *   POST /staff/api/logout
 *   GET  /staff/api/tickets            → { officer, tickets: [ticket + transcript], report }
 *   POST /staff/api/tickets/:id/claim | /reply { text } | /close
 *
 * The session cookie is HttpOnly, SameSite=Strict, Path=/staff (Secure unless `insecureCookie`).
 * Against CSRF, every POST must be JSON (a cross-site form cannot send it without a preflight)
 * and, when the browser sends an Origin, come from this host. Sessions live in memory: a restart
 * asks staff to log in again.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type http from "node:http";
import { z } from "zod";
import type { StaffAuth } from "../feedback/index.ts";
import { HandoffError, type Handoff, type Officer } from "../handoff/service.ts";
import type { Logger } from "../logger.ts";
import { PAGE_CSP } from "./page.ts";
import { HttpError, readJsonBody, sendJson, type ExtraRoute } from "./server.ts";

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

const STATUS_OF: Record<HandoffError["code"], number> = {
  not_found: 404,
  closed: 409,
  assigned_to_other: 409,
  not_delivered: 502,
  empty: 400,
};

const MESSAGES = {
  unauthorized: "Cần đăng nhập cán bộ. / Staff login required.",
  bad_token: "Mã đăng nhập không đúng. / Wrong staff token.",
  forbidden_origin: "Yêu cầu không hợp lệ. / Cross-origin request refused.",
  invalid_request: "Yêu cầu không hợp lệ. / Invalid request.",
  too_many_attempts:
    "Sai mã quá nhiều lần, thử lại sau 1 phút. / Too many attempts, retry in a minute.",
} as const;

const loginBody = z.object({ token: z.string().min(1).max(512) }).strict();
const replyBody = z.object({ text: z.string().min(1).max(4000) }).strict();

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

function readAsset(name: string): string {
  return readFileSync(new URL(`./static/${name}`, import.meta.url), "utf8");
}

export function createStaffRoutes(deps: StaffRouteDeps): ExtraRoute {
  const { handoff, staff, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const assets = {
    html: readAsset("staff.html"),
    js: readAsset("staff.js"),
    css: readAsset("staff.css"),
  };
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

  const cookieOf = (req: http.IncomingMessage): string | null => {
    for (const part of (req.headers.cookie ?? "").split(";")) {
      const [k, ...v] = part.trim().split("=");
      if (k === STAFF_COOKIE) return v.join("=");
    }
    return null;
  };

  function officerOf(req: http.IncomingMessage): Officer {
    const sid = cookieOf(req);
    const session = sid ? sessions.get(sha(sid)) : undefined;
    if (!session || session.expires < now().getTime()) {
      if (sid) sessions.delete(sha(sid));
      throw new HttpError(401, "unauthorized", MESSAGES.unauthorized);
    }
    return { id: `web:${session.name}`, name: session.name, source: "web" };
  }

  function checkOrigin(req: http.IncomingMessage): void {
    const origin = req.headers.origin;
    if (origin === undefined) return;
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw new HttpError(403, "forbidden_origin", MESSAGES.forbidden_origin);
    }
    if (host !== req.headers.host)
      throw new HttpError(403, "forbidden_origin", MESSAGES.forbidden_origin);
  }

  const cookie = (value: string, maxAge: number) =>
    `${STAFF_COOKIE}=${value}; Path=/staff; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${deps.insecureCookie ? "" : "; Secure"}`;

  const asset = (res: http.ServerResponse, body: string, type: string) => {
    res.writeHead(200, {
      "Content-Type": type,
      "Cache-Control": "no-cache",
      "Content-Security-Policy": PAGE_CSP,
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "no-referrer",
      "Content-Length": String(Buffer.byteLength(body)),
    });
    res.end(body);
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

  async function act(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    id: number,
    verb: "claim" | "reply" | "close",
  ) {
    checkOrigin(req);
    const officer = officerOf(req);
    const body = await readJsonBody(req);
    try {
      if (verb === "claim") await handoff.claim(id, officer);
      else if (verb === "close") await handoff.close(id, officer);
      else {
        const parsed = replyBody.safeParse(body);
        if (!parsed.success) throw new HttpError(400, "invalid_request", MESSAGES.invalid_request);
        await handoff.reply(id, officer, parsed.data.text);
      }
    } catch (err) {
      if (err instanceof HandoffError) {
        throw new HttpError(STATUS_OF[err.code], err.code, err.message);
      }
      throw err;
    }
    logger.info({ ticket: id, verb, officer: officer.id }, "hand-off staff action");
    sendJson(res, 200, { ok: true });
  }

  const notAllowed = (allow: string) =>
    new HttpError(405, "method_not_allowed", "Method not allowed.", { Allow: allow });

  return async (req, res, path) => {
    if (path !== "/staff" && !path.startsWith("/staff/")) return false;
    const method = req.method === "HEAD" ? "GET" : req.method;
    const get = (fn: () => void) => {
      if (method !== "GET") throw notAllowed("GET");
      fn();
      return true;
    };
    const post = async (fn: () => Promise<void> | void) => {
      if (method !== "POST") throw notAllowed("POST");
      await fn();
      return true;
    };
    switch (path) {
      case "/staff":
      case "/staff/":
        return get(() => asset(res, assets.html, "text/html; charset=utf-8"));
      case "/staff/staff.js":
        return get(() => asset(res, assets.js, "text/javascript; charset=utf-8"));
      case "/staff/staff.css":
        return get(() => asset(res, assets.css, "text/css; charset=utf-8"));
      case "/staff/api/login":
        return post(async () => {
          checkOrigin(req);
          const addr = req.socket.remoteAddress ?? "?";
          if (tooManyFailures(addr)) {
            throw new HttpError(429, "too_many_attempts", MESSAGES.too_many_attempts, {
              "Retry-After": String(LOGIN_WINDOW_MS / 1000),
            });
          }
          const parsed = loginBody.safeParse(await readJsonBody(req));
          const name = parsed.success ? staff.verify(parsed.data.token) : null;
          if (!name) {
            failed(addr);
            logger.warn({}, "staff console login refused");
            throw new HttpError(401, "bad_token", MESSAGES.bad_token);
          }
          const sid = randomBytes(32).toString("base64url");
          sessions.set(sha(sid), { name, expires: now().getTime() + SESSION_MS });
          sendJson(res, 200, { officer: name }, { "Set-Cookie": cookie(sid, SESSION_MS / 1000) });
        });
      case "/staff/api/logout":
        return post(() => {
          checkOrigin(req);
          const sid = cookieOf(req);
          if (sid) sessions.delete(sha(sid));
          sendJson(res, 200, { ok: true }, { "Set-Cookie": cookie("", 0) });
        });
      case "/staff/api/tickets":
        return get(() => sendJson(res, 200, tickets(officerOf(req))));
    }
    const m = /^\/staff\/api\/tickets\/(\d{1,12})\/(claim|reply|close)$/.exec(path);
    if (m) return post(() => act(req, res, Number(m[1]), m[2] as "claim" | "reply" | "close"));
    throw new HttpError(404, "not_found", "Không tìm thấy trang này. / Not found.");
  };
}
