// The route table in-process (app.request(), no socket): HEAD, 405 + Allow, body limits, 415,
// the Origin and auth middleware, and the one error mapper. Every row is checked, with stand-in
// handlers; the real staff auth is checked through createFeedbackRoutes / createStaffRoutes.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  CaseNotFoundError,
  createStaffAuth,
  type FeedbackStore,
  type ScopeResolver,
} from "../../src/feedback/index.ts";
import { HandoffError, type Handoff } from "../../src/handoff/index.ts";
import { HttpError } from "../../src/web/errors.ts";
import { createFeedbackRoutes } from "../../src/web/feedback-routes.ts";
import { json, type Handler, type Middleware } from "../../src/web/http.ts";
import { createRoutes, routeTable, type Route, type RouteHandlers } from "../../src/web/routes.ts";
import { createHonoApp } from "../../src/web/server.ts";
import { createStaffRoutes } from "../../src/web/staff-routes.ts";
import { fakeAsk, memoryLogger } from "./helpers.ts";

const logs = memoryLogger();

/** Echoes what the middleware handed over. */
const echo: Handler = (c) =>
  json({
    body: c.var.body ?? null,
    raw: c.var.raw?.toString("utf8") ?? null,
    staff: c.var.staff ?? null,
  });
/** A stand-in auth: `X-Test-Auth: yes` passes, anything else is 401. */
const testAuth: Middleware = async (c, next) => {
  if (c.req.header("x-test-auth") !== "yes") throw new HttpError(401, "unauthorized");
  c.set("staff", "lan");
  await next();
};
const group = <K extends string>(...keys: K[]) =>
  Object.fromEntries(keys.map((k) => [k, echo])) as Record<K, Handler>;

const handlers: RouteHandlers = {
  page: group("html", "js", "css"),
  health: echo,
  ask: echo,
  chat: group("turn", "inbox"),
  feedback: {
    staffToken: testAuth,
    ...group("file", "citizenView", "list", "staffView", "status", "assign", "progress"),
  },
  console: {
    session: testAuth,
    ...group("page", "js", "css", "login", "logout", "tickets", "claim", "reply", "close"),
  },
  desk: {
    session: testAuth,
    ...group(
      "page",
      "js",
      "charts",
      "me",
      "list",
      "view",
      "status",
      "assign",
      "progress",
      "dashboard",
      "csv",
      "xlsx",
    ),
  },
  zalo: echo,
  telegram: { secret: testAuth, update: echo },
};
const app = createRoutes(handlers, logs.logger);
const rows = routeTable(handlers);
const posts = rows.filter((r) => r.method === "POST");

/** A concrete URL for a row's path pattern. */
const urlOf = (route: Route) =>
  `http://localhost${route.path.replace(":ref", "PAKN-2026-000001").replace(/:id\{[^/]*\}/, "7")}`;

type Init = Omit<RequestInit, "headers"> & { headers?: Record<string, string>; duplex?: "half" };

function request(route: Route, init: Init = {}) {
  return app.request(urlOf(route), {
    method: route.method,
    ...init,
    headers: {
      ...(route.method === "POST" ? { "Content-Type": "application/json" } : {}),
      ...(route.auth ? { "X-Test-Auth": "yes" } : {}),
      ...init.headers,
    },
    ...(route.method === "POST" && init.body === undefined ? { body: "{}" } : {}),
  });
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
  const { error } = (await res.json()) as { error: { code: string; message: string } };
  expect(error.code).toBe(code);
  expect(error.message).toMatch(/\S \/ \S/); // Vietnamese / English
  return error.message;
}

/** A body that never ends, in 1 KB chunks; `pulled` counts what was read of it. */
function endlessBody() {
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      counter.pulled += 1024;
      controller.enqueue(new Uint8Array(1024).fill(0x61));
    },
  });
  return { stream, counter };
}

describe("the route table", () => {
  it("lists every path once per method", () => {
    const keys = rows.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(rows.every((r) => (r.method === "POST") === (r.maxBytes !== undefined))).toBe(true);
  });

  it.each(rows.map((r) => [`${r.method} ${r.path}`, r] as const))("%s answers", async (_, r) => {
    const res = await request(r);
    expect(res.status).toBe(200);
    if (r.auth) expect(await res.json()).toMatchObject({ staff: "lan" });
  });

  it("answers HEAD on every GET route like GET, without a body; the inbox refuses it", async () => {
    for (const r of rows.filter((row) => row.method === "GET")) {
      const res = await request(r, { method: "HEAD" });
      if (r.head === false) {
        expect(res.status).toBe(405);
        expect(res.headers.get("allow")).toBe("GET");
      } else {
        expect(res.status).toBe(200);
        expect(await res.text()).toBe("");
      }
    }
  });

  it("answers a wrong method on every known path with 405 and Allow", async () => {
    const allowed = new Map<string, string[]>();
    for (const r of rows) {
      const methods = r.method === "GET" && r.head !== false ? ["GET", "HEAD"] : [r.method];
      allowed.set(r.path, [...(allowed.get(r.path) ?? []), ...methods]);
    }
    for (const r of rows) {
      for (const method of ["PUT", "DELETE", "OPTIONS", r.method === "GET" ? "POST" : "GET"]) {
        const res = await request(r, { method, body: null });
        await expectError(res, 405, "method_not_allowed");
        expect(res.headers.get("allow")).toBe(allowed.get(r.path)!.join(", "));
      }
    }
  });

  it("answers 404 for unknown paths, a trailing slash and malformed ticket ids", async () => {
    for (const path of [
      "/nope",
      "/api/ask/",
      "/%zz",
      "/api/feedbackx",
      "/api/staff/feedback/x/y/z",
      "/staff/api/tickets/abc/claim",
      "/staff/api/tickets/1234567890123/claim",
    ]) {
      await expectError(await app.request(path, { method: "POST" }), 404, "not_found");
    }
  });

  it("mounts a row only when its handler is there", async () => {
    const core = createRoutes({ page: handlers.page, health: echo, ask: echo }, logs.logger);
    for (const r of rows.filter((row) => !["/", "/chat.js", "/chat.css"].includes(row.path))) {
      if (r.path === "/healthz" || r.path === "/api/ask") continue;
      await expectError(await core.request(urlOf(r), { method: r.method }), 404, "not_found");
    }
  });
});

describe("request bodies", () => {
  it.each(posts.map((r) => [`${r.path} (${r.maxBytes! / 1024} KB)`, r] as const))(
    "%s: the limit fits, one byte more is 413 (declared or streamed) without reading on",
    async (_, r) => {
      const max = r.maxBytes!;
      const fits = JSON.stringify({ pad: "x".repeat(max - 10) });
      expect(fits.length).toBe(max);
      expect((await request(r, { body: fits })).status).toBe(200);

      const declared = await request(r, { body: fits + " " });
      const message = await expectError(declared, 413, "payload_too_large");
      expect(message).toContain(`${Math.ceil(max / 1024)} KB`);
      expect(declared.headers.get("connection")).toBe("close");

      const { stream, counter } = endlessBody();
      const streamed = await request(r, { body: stream, duplex: "half" });
      await expectError(streamed, 413, "payload_too_large");
      expect(counter.pulled).toBeLessThan(max + 8 * 1024);
    },
  );

  it("JSON rows refuse another content type (415) and bad JSON (400); raw rows take the bytes", async () => {
    for (const r of posts) {
      const res = await request(r, { headers: { "Content-Type": "text/plain" }, body: "{x" });
      if (r.raw) expect(await res.json()).toMatchObject({ raw: "{x" });
      else await expectError(res, 415, "unsupported_media_type");
      if (!r.raw) await expectError(await request(r, { body: "{x" }), 400, "invalid_json");
    }
  });

  it("hands the parsed JSON to the handler (a BOM is allowed)", async () => {
    const ask = rows.find((r) => r.path === "/api/ask")!;
    const res = await request(ask, { body: '\uFEFF{"question":"khai sinh"}' });
    expect(await res.json()).toMatchObject({ body: { question: "khai sinh" } });
  });
});

describe("auth and Origin middleware", () => {
  it("checks auth before the body: 401, not 415 or 413", async () => {
    for (const r of rows.filter((row) => row.auth)) {
      const res = await app.request(urlOf(r), {
        method: r.method,
        ...(r.method === "POST"
          ? { headers: { "Content-Type": "text/plain" }, body: "x".repeat(2 * 1024 * 1024) }
          : {}),
      });
      expect(res.status).toBe(401);
    }
  });

  it("refuses a foreign or malformed Origin on the console's POSTs (403), accepts its own", async () => {
    const guarded = rows.filter((r) => r.sameOrigin);
    expect(guarded.map((r) => r.path)).toEqual([
      "/staff/api/login",
      "/staff/api/logout",
      "/staff/api/tickets/:id{[0-9]{1,12}}/claim",
      "/staff/api/tickets/:id{[0-9]{1,12}}/reply",
      "/staff/api/tickets/:id{[0-9]{1,12}}/close",
      "/staff/api/pakn/:ref/status",
      "/staff/api/pakn/:ref/assign",
      "/staff/api/pakn/:ref/progress",
    ]);
    for (const r of guarded) {
      for (const origin of ["https://evil.example", "http://localhost.evil.example", "null"]) {
        const res = await request(r, { headers: { Origin: origin } });
        await expectError(res, 403, "forbidden_origin");
      }
      expect((await request(r, { headers: { Origin: "http://localhost" } })).status).toBe(200);
    }
  });

  const TOKEN = "lan-secret-token-0123456789";
  const staff = createStaffAuth([
    { name: "lan", sha256: createHash("sha256").update(TOKEN).digest("hex") },
  ]);

  it("staff bearer token (PAKN): 401 with WWW-Authenticate, the name handed to the handler", async () => {
    const feedback = { staffView: async (ref: string) => ({ ref }) } as unknown as FeedbackStore;
    const scopes = {} as ScopeResolver;
    const web = createHonoApp({
      ask: fakeAsk,
      logger: logs.logger,
      extraRoutes: [createFeedbackRoutes({ feedback, scopes, staff, logger: logs.logger })],
    });
    for (const authorization of [undefined, "Bearer nope", TOKEN, `Basic ${TOKEN}`]) {
      const res = await web.request("/api/staff/feedback/PAKN-2026-000001", {
        headers: authorization ? { Authorization: authorization } : {},
      });
      await expectError(res, 401, "unauthorized");
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
    }
    const ok = await web.request("/api/staff/feedback/PAKN-2026-000001", {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(await ok.json()).toEqual({ ref: "PAKN-2026-000001" });
  });

  it("staff console session: login sets the cookie that the ticket routes need", async () => {
    const handoff = {
      store: { list: () => [] },
      report: () => ({ tickets: 0 }),
    } as unknown as Handoff;
    const web = createHonoApp({
      ask: fakeAsk,
      logger: logs.logger,
      extraRoutes: [createStaffRoutes({ handoff, staff, logger: logs.logger })],
    });
    await expectError(await web.request("/staff/api/tickets"), 401, "unauthorized");
    const login = await web.request("/staff/api/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: TOKEN }),
    });
    const cookie = login.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^motcua_staff=[\w-]+; Max-Age=43200; Path=\/staff; HttpOnly; Secure;/);
    expect(cookie).toContain("SameSite=Strict");
    const tickets = await web.request("/staff/api/tickets", {
      headers: { Cookie: cookie.split(";")[0]! },
    });
    expect(await tickets.json()).toEqual({ officer: "lan", tickets: [], report: { tickets: 0 } });
  });
});

describe("errors, mapped in one place", () => {
  const failing = (err: unknown) =>
    createRoutes(
      {
        ...handlers,
        health: () => {
          throw err;
        },
      },
      logs.logger,
    ).request("/healthz");

  it("domain errors get their status and a Vietnamese / English message", async () => {
    await expectError(await failing(new CaseNotFoundError("PAKN-1")), 404, "case_not_found");
    const closed = await expectError(
      await failing(new HandoffError("closed", "ticket closed")),
      409,
      "closed",
    );
    expect(closed).toContain("Phiếu đã đóng");
    await expectError(await failing(new HandoffError("not_delivered", "x")), 502, "not_delivered");
    const busy = await failing(
      Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" }),
    );
    await expectError(busy, 503, "database_busy");
    expect(busy.headers.get("retry-after")).toBe("2");
  });

  it("anything else is a 500 apology, the details only in the log", async () => {
    const message = await expectError(
      await failing(new Error("secret detail at /src/x.ts:1")),
      500,
      "internal_error",
    );
    expect(message).toContain("Xin lỗi");
    expect(message).not.toContain("secret");
    const line = logs.lines().find((l) => l.msg === "unhandled error");
    expect(JSON.stringify(line)).toContain("secret detail");
  });
});
