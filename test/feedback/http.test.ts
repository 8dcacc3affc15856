import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteSql, type SqlDatabase } from "../../src/db/index.ts";
import {
  createScopeResolver,
  createStaffAuth,
  MAX_TEXT_CHARS,
  type FeedbackStore,
} from "../../src/feedback/index.ts";
import { createApp, type App } from "../../src/web/app.ts";
import { createFeedbackRoutes } from "../../src/web/feedback-routes.ts";
import { fakeAsk, memoryLogger } from "../web/helpers.ts";
import { TEXT, clock, storeOn, tempDbFile } from "./helpers.ts";

const STAFF_TOKEN = "s3cret-staff-token-for-lan-0123456789";
const c = clock("2026-03-02T02:00:00Z");
const logs = memoryLogger();
let app: App;
let base: string;
let sql: SqlDatabase;
let feedback: FeedbackStore;

beforeAll(async () => {
  const file = tempDbFile();
  sql = createSqliteSql({ file });
  feedback = storeOn(sql, c);
  app = createApp({
    config: { host: "127.0.0.1", port: 0 },
    logger: logs.logger,
    assistant: fakeAsk,
    sql,
    now: c.now,
    routes: () => {
      const staff = createStaffAuth([
        { name: "lan", sha256: createHash("sha256").update(STAFF_TOKEN).digest("hex") },
      ]);
      const scopes = createScopeResolver({ directory: [], agencies: feedback.agencies });
      return [createFeedbackRoutes({ feedback, scopes, staff, logger: logs.logger })];
    },
  });
  base = (await app.start()).url.replace(/\/$/, "");
});

afterAll(async () => {
  await app.stop();
  await sql.close();
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});
const auth = { Authorization: `Bearer ${STAFF_TOKEN}` };

async function errorOf(res: Response, status: number): Promise<{ code: string; message: string }> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

async function file(body: Record<string, unknown> = {}) {
  const res = await fetch(`${base}/api/feedback`, json({ text: TEXT, ...body }));
  expect(res.status).toBe(201);
  return (await res.json()) as {
    ref: string;
    token: string;
    dueAt: string;
    dueDate: string;
    agency: string | null;
  };
}

describe("POST /api/feedback", () => {
  it("201 with ref, token, due date and Location; the log has neither text nor token", async () => {
    const res = await fetch(
      `${base}/api/feedback`,
      json({ text: `${TEXT} SĐT 0987654321`, procedureCode: "1.001193", contact: "0987654321" }),
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, string>;
    expect(body).toMatchObject({
      ref: expect.stringMatching(/^PAKN-2026-\d{6}$/),
      status: "received",
      dueDate: "2026-03-23",
      dueAt: "2026-03-23T16:59:59.999Z",
      agency: "UBND cấp xã",
    });
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(body.message).toContain("23/03/2026");
    expect(res.headers.get("location")).toBe(`/api/feedback/${body.ref}`);
    const log = logs.text();
    expect(log).toContain(body.ref);
    expect(log).not.toContain("0987654321");
    expect(log).not.toContain(body.token);
  });

  it("400 text_too_long past the limit (and says the limit), 413 for a huge body", async () => {
    const e = await errorOf(
      await fetch(`${base}/api/feedback`, json({ text: "a".repeat(MAX_TEXT_CHARS + 1) })),
      400,
    );
    expect(e.code).toBe("text_too_long");
    expect(e.message).toContain("4.000");
    // The longest allowed Vietnamese text fits in the body limit.
    await file({ text: "ệ".repeat(MAX_TEXT_CHARS) });
    expect(
      (await errorOf(await fetch(`${base}/api/feedback`, json({ text: "a".repeat(40_000) })), 413))
        .code,
    ).toBe("payload_too_large");
  });

  it("400 for a malformed or unknown procedure code (422), bad JSON, unknown fields, wrong types", async () => {
    const post = (b: unknown) => fetch(`${base}/api/feedback`, json(b));
    expect((await errorOf(await post({ text: TEXT, procedureCode: "abc" }), 400)).code).toBe(
      "invalid_procedure_code",
    );
    expect((await errorOf(await post({ text: TEXT, procedureCode: "9.999999" }), 422)).code).toBe(
      "unknown_procedure",
    );
    expect((await errorOf(await post("{not json"), 400)).code).toBe("invalid_json");
    expect((await errorOf(await post({ text: TEXT, status: "closed" }), 400)).code).toBe(
      "invalid_request",
    );
    expect((await errorOf(await post({ text: 42 }), 400)).code).toBe("invalid_field");
    expect((await errorOf(await post({ text: "ngắn" }), 400)).code).toBe("text_too_short");
    expect((await errorOf(await fetch(`${base}/api/feedback`), 405)).code).toBe(
      "method_not_allowed",
    );
  });

  it("a web filing cannot choose another channel to be notified on", async () => {
    const res = await fetch(
      `${base}/api/feedback`,
      json({ text: TEXT, channel: "telegram", userId: "123" }),
    );
    expect((await errorOf(res, 400)).code).toBe("invalid_request");
  });
});

describe("POST /api/feedback with Idempotency-Key", () => {
  const post = (body: unknown, key?: string) =>
    fetch(`${base}/api/feedback`, json(body, key === undefined ? {} : { "Idempotency-Key": key }));
  const cases = async () =>
    Number((await sql.get<{ n: number }>("SELECT count(*) AS n FROM feedback_cases"))!.n);
  const view = (ref: string, token: string) =>
    fetch(`${base}/api/feedback/${ref}`, { headers: { "X-Citizen-Token": token } });

  it("a retry gets 200, Idempotent-Replayed and the same case with a working new token", async () => {
    const body = { text: TEXT, procedureCode: "1.001193", contact: "0912345678" };
    const before = await cases();
    const first = await post(body, "order-7f3a9c");
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const filed = (await first.json()) as Record<string, string>;
    const retry = await post(body, "order-7f3a9c");
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.headers.get("location")).toBe(`/api/feedback/${filed.ref}`);
    const replayed = (await retry.json()) as Record<string, string>;
    const { token: oldToken, ...receipt } = filed;
    const { token: newToken, ...again } = replayed;
    expect(again).toEqual(receipt);
    expect(receipt).toMatchObject({ dueDate: "2026-03-23", agency: "UBND cấp xã" });
    expect(newToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newToken).not.toBe(oldToken);
    expect(await cases()).toBe(before + 1);
    expect((await view(filed.ref!, newToken!)).status).toBe(200);
    expect((await errorOf(await view(filed.ref!, oldToken!), 404)).code).toBe("case_not_found");
    // The draft's quoted form (a Structured Field string) is the same key.
    const quoted = await post(body, '"order-7f3a9c"');
    expect(quoted.status).toBe(200);
    expect(((await quoted.json()) as { ref: string }).ref).toBe(filed.ref);
    expect(await cases()).toBe(before + 1);
    const log = logs.text();
    expect(log).toContain("replayed");
    expect(log).not.toContain(newToken);
    expect(log).not.toContain("order-7f3a9c");
  });

  it("with a userId: the same; another userId is another request", async () => {
    const body = { text: TEXT, userId: "app-user-1" };
    const first = (await (await post(body, "k-user")).json()) as { ref: string };
    const retry = await post(body, "k-user");
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { ref: string }).ref).toBe(first.ref);
    const other = await post({ ...body, userId: "app-user-2" }, "k-user");
    expect((await errorOf(other, 422)).code).toBe("idempotency_key_reused");
  });

  it("422 idempotency_key_reused for the same key with another body; nothing filed", async () => {
    const first = await post({ text: TEXT }, "k-reused");
    expect(first.status).toBe(201);
    const { ref, token } = (await first.json()) as { ref: string; token: string };
    const before = await cases();
    const e = await errorOf(await post({ text: `${TEXT} Khác.` }, "k-reused"), 422);
    expect(e.code).toBe("idempotency_key_reused");
    expect(e.message).toMatch(/^Idempotency-Key này .* \/ This Idempotency-Key was used/);
    expect(e.message).not.toContain(ref);
    expect(await cases()).toBe(before);
    // The first case and its token are untouched.
    expect((await view(ref, token)).status).toBe(200);
  });

  it("400 invalid_idempotency_key for an empty, too long, spaced or non-ASCII key; nothing filed", async () => {
    const before = await cases();
    for (const key of ["", "a".repeat(129), "two words", "khoá-1", '""']) {
      const e = await errorOf(await post({ text: TEXT }, key), 400);
      expect(e.code, JSON.stringify(key)).toBe("invalid_idempotency_key");
      expect(e.message).toContain(" / Invalid Idempotency-Key");
    }
    expect(await cases()).toBe(before);
    // 128 visible characters are a key; a bad body is still the body's error.
    expect((await post({ text: TEXT }, "~".repeat(128))).status).toBe(201);
    expect((await errorOf(await post({ text: "ngắn" }, "k-short"), 400)).code).toBe(
      "text_too_short",
    );
  });

  it("without the header, the same body twice files two cases", async () => {
    const a = await post({ text: TEXT });
    const b = await post({ text: TEXT });
    expect([a.status, b.status]).toEqual([201, 201]);
    const [ra, rb] = (await Promise.all([a.json(), b.json()])) as { ref: string }[];
    expect(ra!.ref).not.toBe(rb!.ref);
  });
});

describe("GET /api/feedback/:ref", () => {
  it("shows the case to its token; a wrong token is the same 404 as an unknown ref", async () => {
    const mine = await file();
    const other = await file();
    const res = await fetch(`${base}/api/feedback/${mine.ref}?token=${mine.token}`);
    expect(res.status).toBe(200);
    const view = (await res.json()) as { ref: string; status: string; history: unknown[] };
    expect(view).toMatchObject({ ref: mine.ref, status: "received" });
    expect(view.history).toHaveLength(1);
    const wrong = await errorOf(
      await fetch(`${base}/api/feedback/${mine.ref}?token=${other.token}`),
      404,
    );
    const none = await errorOf(
      await fetch(`${base}/api/feedback/PAKN-2026-999999?token=${mine.token}`),
      404,
    );
    const missing = await errorOf(await fetch(`${base}/api/feedback/${mine.ref}`), 404);
    const byHeader = await fetch(`${base}/api/feedback/${mine.ref}`, {
      headers: { "X-Citizen-Token": mine.token },
    });
    expect(byHeader.status).toBe(200);
    await errorOf(
      await fetch(`${base}/api/feedback/${mine.ref}`, {
        headers: { "X-Citizen-Token": other.token },
      }),
      404,
    );
    expect(wrong).toEqual(none);
    expect(missing).toEqual(none);
    expect(wrong.code).toBe("case_not_found");
  });
});

describe("staff endpoints", () => {
  it("401 without a token or with a wrong one, before anything else", async () => {
    const { ref } = await file();
    const headerSets: Record<string, string>[] = [
      {},
      { Authorization: "Bearer nope" },
      { Authorization: STAFF_TOKEN },
    ];
    for (const headers of headerSets) {
      const list = await fetch(`${base}/api/staff/feedback`, { headers });
      expect((await errorOf(list, 401)).code).toBe("unauthorized");
      expect(list.headers.get("www-authenticate")).toContain("Bearer");
      const change = await fetch(
        `${base}/api/staff/feedback/${ref}/status`,
        json({ status: "accepted", version: 1 }, headers),
      );
      expect(change.status).toBe(401);
      // Same answer for a case that does not exist: nothing leaks.
      expect((await fetch(`${base}/api/staff/feedback/PAKN-2026-999999`, { headers })).status).toBe(
        401,
      );
    }
    expect((await feedback.staffView(ref)).status).toBe("received");
  });

  it("list, filter by status / agency / overdue, page with a cursor", async () => {
    const a = await file({ agency: "Sở Xây dựng" });
    await file({ agency: "Sở Xây dựng" });
    await file({ agency: "Sở Xây dựng" });
    const get = async (q: string) => {
      const res = await fetch(`${base}/api/staff/feedback?${q}`, { headers: auth });
      expect(res.status).toBe(200);
      return (await res.json()) as {
        items: { ref: string; overdue: boolean }[];
        nextCursor: string | null;
      };
    };
    const first = await get("agency=S%E1%BB%9F%20X%C3%A2y%20d%E1%BB%B1ng&limit=2");
    expect(first.items).toHaveLength(2);
    expect(first.items[0]!.ref).toBe(a.ref);
    const second = await get(
      `agency=${encodeURIComponent("Sở Xây dựng")}&limit=2&cursor=${first.nextCursor}`,
    );
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect((await get("overdue=1")).items).toHaveLength(0);
    c.set("2026-03-24T02:00:00Z");
    try {
      const overdue = await get("overdue=1&limit=200");
      expect(overdue.items.length).toBeGreaterThan(3);
      expect(overdue.items.every((i) => i.overdue)).toBe(true);
    } finally {
      c.set("2026-03-02T02:00:00Z");
    }
    expect((await get("status=received,accepted")).items.length).toBeGreaterThan(0);
    const bad = await fetch(`${base}/api/staff/feedback?status=done`, { headers: auth });
    expect((await errorOf(bad, 400)).code).toBe("invalid_status");
    const badCursor = await fetch(`${base}/api/staff/feedback?cursor=zzz`, { headers: auth });
    expect((await errorOf(badCursor, 400)).code).toBe("invalid_cursor");
    const badLimit = await fetch(`${base}/api/staff/feedback?limit=5000`, { headers: auth });
    expect((await errorOf(badLimit, 400)).code).toBe("invalid_field");
  });

  it("status changes with version checks; forged transitions are 409; citizen sees the answer", async () => {
    const filed = await file();
    const url = `${base}/api/staff/feedback/${filed.ref}`;
    const post = (action: string, body: unknown) => fetch(`${url}/${action}`, json(body, auth));
    const ok = await post("status", { status: "accepted", version: 1, note: "Đã thụ lý" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: "accepted", version: 2 });
    expect(
      (await errorOf(await post("status", { status: "in_progress", version: 1 }), 409)).code,
    ).toBe("version_conflict");
    expect(
      (await errorOf(await post("status", { status: "received", version: 2 }), 409)).code,
    ).toBe("invalid_transition");
    expect(
      (await errorOf(await post("status", { status: "rejected", version: 2 }), 400)).code,
    ).toBe("reason_required");
    expect((await errorOf(await post("status", { status: "accepted" }), 400)).code).toBe(
      "invalid_request",
    );
    const assigned = await post("assign", { agency: "Sở Tư pháp", version: 2 });
    expect(await assigned.json()).toMatchObject({ agency: "Sở Tư pháp", version: 3 });
    const progress = await post("progress", { note: "Đang xác minh", version: 3 });
    expect(progress.status).toBe(200);
    await post("status", {
      status: "answered",
      version: 4,
      note: "Đã xử lý: cán bộ đã được nhắc nhở.",
    });
    const closed = await post("status", { status: "closed", version: 5 });
    expect(await closed.json()).toMatchObject({ status: "closed", version: 6 });
    expect(
      (await errorOf(await post("status", { status: "received", version: 6 }), 409)).code,
    ).toBe("invalid_transition");
    const staffView = (await (await fetch(url, { headers: auth })).json()) as {
      history: { actor: string }[];
    };
    expect(staffView.history.map((h) => h.actor)).toEqual([
      "citizen",
      "staff:lan",
      "staff:lan",
      "staff:lan",
      "staff:lan",
      "staff:lan",
    ]);
    const citizen = (await (
      await fetch(`${base}/api/feedback/${filed.ref}?token=${filed.token}`)
    ).json()) as {
      status: string;
      history: { note: string | null }[];
    };
    expect(citizen.status).toBe("closed");
    expect(citizen.history.map((h) => h.note)).toContain("Đã xử lý: cán bộ đã được nhắc nhở.");
    expect(
      (
        await errorOf(
          await fetch(`${base}/api/staff/feedback/PAKN-2026-999999`, { headers: auth }),
          404,
        )
      ).code,
    ).toBe("case_not_found");
    expect((await errorOf(await fetch(`${url}/status`, { headers: auth }), 405)).code).toBe(
      "method_not_allowed",
    );
  });
});

describe("the rest of the server", () => {
  it("/api/ask and unknown paths behave as before", async () => {
    const res = await fetch(`${base}/api/ask`, json({ question: "khai sinh" }));
    expect(res.status).toBe(200);
    expect((await errorOf(await fetch(`${base}/api/feedbackx`), 404)).code).toBe("not_found");
    expect(
      (await errorOf(await fetch(`${base}/api/staff/feedback/x/y/z`, { headers: auth }), 404)).code,
    ).toBe("not_found");
  });
});
