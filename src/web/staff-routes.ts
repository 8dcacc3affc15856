/**
 * The staff console at /staff: the hotline's hand-over tickets (src/handoff) and the officials'
 * PAKN desk and dashboard (src/feedback); rows in src/web/routes.ts:
 *
 *   GET  /staff, /staff/staff.js, /staff/staff.css    the page (hand-over tickets)
 *   POST /staff/api/login   { token }  → { officer } + HttpOnly session cookie (a staff token)
 *   POST /staff/api/logout
 *   GET  /staff/api/tickets            → { officer, tickets: [ticket + transcript], report }
 *   POST /staff/api/tickets/:id/claim | /reply { text } | /close
 *
 * The desk (mounted when the PAKN store is given; docs/officials-desk.md):
 *
 *   GET  /staff/pakn, /staff/pakn/:ref, /staff/thongke   the same page, on the desk's views
 *   GET  /staff/desk.js, /staff/charts.js                its scripts (no CDN: served from here)
 *   GET  /staff/api/me                 → { officer, scope, agency, hotline }
 *   GET  /staff/api/pakn?status=&agency=&overdue=1&dueWithin=N&unassigned=1&progressDue=1&q=
 *   GET  /staff/api/pakn/:ref          → the case, what the lifecycle allows, notifications
 *   POST /staff/api/pakn/:ref/status { status, version, note?, reason?, resultDate? }
 *   POST /staff/api/pakn/:ref/assign { agency, version, note? }
 *   POST /staff/api/pakn/:ref/progress { note, version }
 *   GET  /staff/api/dashboard?quarter=2026Q1 | ?from=2026-01-01&to=2026-03-31 [&agency=]
 *   GET  /staff/api/report.csv | report.xlsx ?quarter=2026Q1 [&agency=]
 *
 * A staff token carries a scope (`*`, or one agency's code): an official sees and changes only
 * that agency's cases — any other is 404, as if it did not exist — and never the hand-over
 * tickets (403), which are the hotline's. Every change names the version the officer read: a
 * stale one is refused (409) and overwrites nothing.
 *
 * The session cookie is HttpOnly, SameSite=Strict, Path=/staff (Secure unless `insecureCookie`);
 * `session` checks it. Against CSRF, every POST must be JSON (a cross-site form cannot send it
 * without a preflight) and, when the browser sends an Origin, come from this host (the table's
 * `sameOrigin`). Sessions live in memory: a restart asks staff to log in again.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Context } from "hono";
import { generateCookie, getCookie } from "hono/cookie";
import { z } from "zod";
import { localDate } from "../calendar/index.ts";
import {
  CaseNotFoundError,
  isStatus,
  parseDateRange,
  parseQuarter,
  REPORT_COLUMNS,
  reportToCsv,
  reportToXlsx,
  VersionConflictError,
  type CaseScope,
  type Desk,
  type DeskCase,
  type FeedbackStore,
  type ReportPeriod,
  type ScopeResolver,
  type StaffAuth,
  type Status,
} from "../feedback/index.ts";
import type { Handoff, Officer } from "../handoff/index.ts";
import type { Logger } from "../logger.ts";
import { caseActions, type CaseAction } from "./case-actions.ts";
import { HttpError } from "./errors.ts";
import { asset, clientAddress, json, type Env, type Handler, type Middleware } from "./http.ts";
import { loadPageAssets, pageHandlers } from "./page.ts";
import type { RouteGroup } from "./routes.ts";

export const STAFF_COOKIE = "motcua_staff";
const SESSION_MS = 12 * 3600_000;
const REPORT_DAYS = 7;
const LOGIN_TRIES = 5;
const LOGIN_WINDOW_MS = 60_000;

export interface StaffRouteOptions {
  handoff: Handoff;
  staff: StaffAuth;
  logger: Logger;
  /** The PAKN store, its desk and staff scopes: with them, the officials' desk and dashboard. */
  feedback?: DeskParts;
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
  hotline_only:
    "Phiếu hỗ trợ trực tuyến chỉ dành cho tổng đài viên. / Hand-over tickets are for hotline staff.",
  case_not_found:
    "Không tìm thấy hồ sơ này trong phạm vi của cán bộ. / No such case within your scope.",
  invalid_status: "Trạng thái không hợp lệ. / Unknown status.",
  invalid_period:
    "Kỳ báo cáo không hợp lệ: chọn quý (2026Q1) hoặc từ ngày – đến ngày. / Choose a quarter or a date range.",
} as const;

const loginBody = z.object({ token: z.string().min(1).max(512) }).strict();
const replyBody = z.object({ text: z.string().min(1).max(4000) }).strict();

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, "invalid_request", MESSAGES.invalid_request);
  return parsed.data;
}

const readStatic = (file: string) =>
  readFileSync(new URL(`./static/${file}`, import.meta.url), "utf8");

/** "10:05 ngày 02/03/2026" in Vietnam time. */
function vnTime(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 7 * 3600_000).toISOString();
  return `${d.slice(11, 16)} ngày ${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
}

/** What the officials' desk is served from (src/feedback: the store, createDesk, scopes). */
export interface DeskParts {
  store: FeedbackStore;
  desk: Desk;
  scopes: ScopeResolver;
}

export function createStaffRoutes(deps: StaffRouteOptions): RouteGroup {
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
  /** sha256(session id) → who, their scope, and until when. */
  const sessions = new Map<string, { name: string; scope: string; expires: number }>();
  /** The session of a request that passed `session` (set by it, read by the handlers). */
  const sessionOf = new WeakMap<Request, { name: string; scope: string }>();

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
    sessionOf.set(c.req.raw, found);
    await next();
  };

  /** The signed-in member's scope spec: `*` or an agency code. */
  const specOf = (c: Context<Env>) =>
    sessionOf.get(c.req.raw)?.scope ?? staff.scopeOf(c.var.staff) ?? null;

  /** The hand-over tickets are the hotline's: an agency official gets 403. */
  const hotlineOnly = (c: Context<Env>) => {
    if (specOf(c) !== "*") throw new HttpError(403, "hotline_only", MESSAGES.hotline_only);
  };

  const officerOf = (name: string): Officer => ({ id: `web:${name}`, name, source: "web" });

  const login: Handler = (c) => {
    const addr = clientAddress(c);
    const parsed = loginBody.safeParse(c.var.body);
    const who = parsed.success ? staff.identify(parsed.data.token) : null;
    if (!who) {
      // Only wrong tokens are slowed down: a right one always gets in, so failures from a shared
      // address (a proxy, an office NAT) cannot lock staff out. Tokens are 256-bit random.
      if (tooManyFailures(addr)) {
        throw new HttpError(429, "too_many_attempts", MESSAGES.too_many_attempts, {
          "Retry-After": String(LOGIN_WINDOW_MS / 1000),
        });
      }
      failed(addr);
      logger.warn({}, "staff console login refused");
      throw new HttpError(401, "bad_token", MESSAGES.bad_token);
    }
    const sid = randomBytes(32).toString("base64url");
    sessions.set(sha(sid), { ...who, expires: now().getTime() + SESSION_MS });
    return json({ officer: who.name }, 200, cookie(sid, SESSION_MS / 1000));
  };

  const logout: Handler = (c) => {
    const sid = getCookie(c, STAFF_COOKIE);
    if (sid) sessions.delete(sha(sid));
    return json({ ok: true }, 200, cookie("", 0));
  };

  async function tickets(officer: Officer) {
    const to = now();
    const from = new Date(to.getTime() - REPORT_DAYS * 86_400_000);
    const open = await handoff.store.list(["waiting", "assigned"]);
    return {
      officer: officer.name,
      tickets: await Promise.all(
        open.map(async (t) => ({
          id: t.id,
          channel: t.channel,
          status: t.status,
          reason: t.reason,
          summary: t.summary,
          assignee: t.assigneeName,
          mine: t.assignee === officer.id,
          createdAt: t.createdAt,
          transcript: (await handoff.store.transcript(t.id)).map((l) => ({
            author: l.author,
            text: l.text,
            at: l.at,
          })),
          // What has not reached the citizen: waiting for the platform, or given up.
          delivery: await handoff.delivery(t),
        })),
      ),
      report: await handoff.report(from, new Date(to.getTime() + 1)),
    };
  }

  const act =
    (verb: "claim" | "reply" | "close"): Handler =>
    async (c) => {
      hotlineOnly(c);
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

  const group: RouteGroup = {
    console: {
      session,
      page: page.html,
      js: page.js,
      css: page.css,
      login,
      logout,
      tickets: async (c) => {
        hotlineOnly(c);
        return json(await tickets(officerOf(c.var.staff)));
      },
      claim: act("claim"),
      reply: act("reply"),
      close: act("close"),
    },
  };
  if (deps.feedback) {
    const parts = { ...deps.feedback, handoff, logger, now, session, specOf, page };
    group.desk = createDeskHandlers(parts);
  }
  return group;
}

interface DeskHandlerOptions extends DeskParts {
  handoff: Handoff;
  logger: Logger;
  now: () => Date;
  session: Middleware;
  specOf: (c: Context<Env>) => string | null;
  page: ReturnType<typeof pageHandlers>;
}

/** The PAKN desk's handlers (src/web/routes.ts, group `desk`). */
function createDeskHandlers(deps: DeskHandlerOptions): NonNullable<RouteGroup["desk"]> {
  const { store, desk, scopes, handoff, logger, session, specOf, page } = deps;
  const deskJs = readStatic("desk.js");
  const chartsJs = readStatic("charts.js");
  const script =
    (body: string): Handler =>
    () =>
      asset(body, "text/javascript; charset=utf-8");

  const scopeOf = (c: Context<Env>): CaseScope => {
    const spec = specOf(c);
    if (spec === null) throw new HttpError(401, "unauthorized", MESSAGES.unauthorized);
    return scopes.resolve(spec);
  };
  /** The agencies the member may pick (filters, reassignment). */
  const agenciesFor = async (scope: CaseScope) =>
    (await scopes.knownAgencies()).filter(scope.covers);

  /** The dashboard's scope: the member's, or one agency within it (`?agency=`). */
  const figuresScope = (c: Context<Env>): CaseScope => {
    const mine = scopeOf(c);
    const agency = c.req.query("agency")?.trim();
    if (!agency || !mine.all) return mine;
    return scopes.resolve(agency);
  };

  const periodOf = (c: Context<Env>): ReportPeriod => {
    const quarter = c.req.query("quarter");
    const from = c.req.query("from");
    const to = c.req.query("to");
    try {
      if (quarter) return parseQuarter(quarter);
      if (from && to) return parseDateRange(from, to);
    } catch {
      // the same answer as no period
    }
    throw new HttpError(400, "invalid_period", MESSAGES.invalid_period);
  };

  const notFound = (err: unknown): never => {
    if (err instanceof CaseNotFoundError) {
      throw new HttpError(404, "case_not_found", MESSAGES.case_not_found);
    }
    throw err;
  };

  const view = async (ref: string, scope: CaseScope): Promise<DeskCase> => {
    try {
      return await desk.view(ref, scope);
    } catch (err) {
      return notFound(err);
    }
  };

  const changes = caseActions(store, parse);

  /** A change on one case, checked against the version the officer read. */
  const change = (name: string, run: CaseAction) => async (c: Context<Env>) => {
    const ref = c.req.param("ref")!;
    const scope = scopeOf(c);
    const actor = `staff:${c.var.staff}`;
    try {
      await run(ref, actor, c.var.body, scope);
    } catch (err) {
      if (err instanceof VersionConflictError) {
        const current = await view(ref, scope);
        const last = current.history.at(-1);
        const by = last ? ` bởi ${last.actor.replace(/^staff:/, "")} lúc ${vnTime(last.at)}` : "";
        throw new HttpError(
          409,
          "version_conflict",
          `Hồ sơ ${ref} đã được cập nhật${by} trong lúc bạn đang xem (phiên bản ${err.expected} → ${err.actual}). ` +
            `Thay đổi của bạn chưa được lưu; hãy xem lại hồ sơ mới nhất rồi làm lại nếu vẫn cần. / ` +
            `The case changed since you opened it (version ${err.expected} → ${err.actual}); nothing was saved.`,
        );
      }
      return notFound(err);
    }
    logger.info({ ref, actor, action: name }, "feedback updated from the desk");
    try {
      return json(await desk.view(ref, scope));
    } catch (err) {
      // Handed to another agency: no longer the officer's to see.
      if (err instanceof CaseNotFoundError) return json({ ref, movedOut: true });
      throw err;
    }
  };

  const list: Handler = async (c) => {
    const scope = scopeOf(c);
    const statuses = (c.req.query("status") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (!statuses.every(isStatus)) {
      throw new HttpError(400, "invalid_status", MESSAGES.invalid_status);
    }
    const int = (name: string) => {
      const v = c.req.query(name);
      if (v === undefined || v === "") return undefined;
      if (!/^\d{1,4}$/.test(v)) {
        throw new HttpError(
          400,
          "invalid_field",
          `${name} phải là số nguyên. / ${name} must be an integer.`,
        );
      }
      return Number(v);
    };
    const flag = (name: string) => ["1", "true"].includes(c.req.query(name) ?? "");
    const text = (name: string) => c.req.query(name)?.trim() || undefined;
    const dueWithin = int("dueWithin");
    const limit = int("limit");
    const agency = text("agency");
    const search = text("q");
    const cursor = text("cursor");
    const result = await desk.list(
      {
        statuses: statuses as Status[],
        ...(agency ? { agency } : {}),
        unassigned: flag("unassigned"),
        overdue: flag("overdue"),
        progressDue: flag("progressDue"),
        ...(dueWithin !== undefined ? { dueWithinWorkingDays: dueWithin } : {}),
        ...(search ? { search } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(cursor ? { cursor } : {}),
      },
      scope,
    );
    return json({ ...result, agencies: await agenciesFor(scope) });
  };

  const dashboard: Handler = async (c) => {
    const period = periodOf(c);
    const scope = figuresScope(c);
    const figures = await store.dashboard(period, scope);
    const handover = scope.all
      ? await handoff.report(new Date(figures.period.from), new Date(figures.period.asOf))
      : null;
    return json({
      ...figures,
      columns: REPORT_COLUMNS,
      agency: scope.agencyName,
      /** What the scope picker offers (the member's agencies). */
      agencyChoices: await agenciesFor(scopeOf(c)),
      handover,
    });
  };

  const download =
    (format: "csv" | "xlsx"): Handler =>
    async (c) => {
      const quarter = c.req.query("quarter") ?? "";
      let period: ReportPeriod;
      try {
        period = parseQuarter(quarter);
      } catch {
        throw new HttpError(400, "invalid_period", MESSAGES.invalid_period);
      }
      const scope = figuresScope(c);
      const report = await store.report(period, scope.all ? undefined : scope);
      const suffix = scope.agencyCode ?? (scope.all ? "" : "don-vi");
      const file = `pakn-${report.quarter}${suffix ? `-${suffix}` : ""}.${format}`;
      const headers = {
        "Content-Disposition": `attachment; filename="${file}"`,
        "Cache-Control": "no-store",
      };
      if (format === "csv") {
        return asset(reportToCsv(report), "text/csv; charset=utf-8", headers);
      }
      const body = await reportToXlsx(report);
      return new Response(new Uint8Array(body), {
        headers: {
          ...headers,
          "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "X-Content-Type-Options": "nosniff",
        },
      });
    };

  return {
    session,
    page: page.html,
    js: script(deskJs),
    charts: script(chartsJs),
    me: (c) => {
      const scope = scopeOf(c);
      return json({
        officer: c.var.staff,
        scope: scope.spec,
        agency: scope.all ? null : { name: scope.agencyName, code: scope.agencyCode },
        hotline: scope.all,
        today: localDate(deps.now()),
      });
    },
    list,
    view: async (c) => {
      const scope = scopeOf(c);
      return json({
        ...(await view(c.req.param("ref")!, scope)),
        agencies: await scopes.knownAgencies(),
        today: localDate(deps.now()),
      });
    },
    status: change("status", changes.status),
    assign: change("assign", changes.assign),
    progress: change("progress", changes.progress),
    dashboard,
    csv: download("csv"),
    xlsx: download("xlsx"),
  };
}
