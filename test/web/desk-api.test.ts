// The officials' desk API in-process (app.request(), no socket): login and session, scopes on the
// desk and on the bearer API, filters and counts, versioned changes, the dashboard against the
// report, and the CSV/XLSX downloads.
import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseQuarter, reportToCsv, type QuarterlyReport } from "../../src/feedback/index.ts";
import { createHonoApp } from "../../src/web/server.ts";
import { fakeAsk, memoryLogger } from "./helpers.ts";
import { makeDeskHarness, TOKENS, type DeskHarness } from "./desk-helpers.ts";

let h: DeskHarness;
let app: ReturnType<typeof createHonoApp>;

beforeEach(async () => {
  h = await makeDeskHarness();
  app = createHonoApp({ ask: fakeAsk, logger: memoryLogger().logger, extraRoutes: h.routes });
});
afterEach(() => h.close());

async function login(who: keyof typeof TOKENS): Promise<string> {
  const res = await app.request("/staff/api/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token: TOKENS[who] }),
  });
  expect(res.status).toBe(200);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

const get = (path: string, cookie: string) => app.request(path, { headers: { Cookie: cookie } });
const post = (path: string, cookie: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Cookie: cookie, ...headers },
    body: JSON.stringify(body),
  });
const bearer = (path: string, who: keyof typeof TOKENS, body?: unknown) =>
  app.request(path, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      Authorization: `Bearer ${TOKENS[who]}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function errorOf(res: Response, status: number) {
  expect(res.status).toBe(status);
  const { error } = (await res.json()) as { error: { code: string; message: string } };
  expect(error.message).toMatch(/\S \/ \S/); // Vietnamese / English
  return error;
}

type ListBody = {
  items: { ref: string; overdue: boolean; dueSoon: boolean; agency: string | null }[];
  counts: Record<string, number>;
  matching: number;
  agencies: string[];
};

describe("desk: who and the pages", () => {
  it("serves the page on the desk's paths and its scripts, without a session", async () => {
    for (const path of ["/staff/pakn", "/staff/pakn/PAKN-2026-000001", "/staff/thongke"]) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<script type="module" src="/staff/staff.js">');
      expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    }
    for (const path of ["/staff/desk.js", "/staff/charts.js"]) {
      const res = await app.request(path);
      expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
      expect(await res.text()).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // nothing fetched from afar
    }
  });

  it("every desk API needs the console session", async () => {
    for (const path of [
      "/staff/api/me",
      "/staff/api/pakn",
      "/staff/api/dashboard?quarter=2026Q1",
    ]) {
      await errorOf(await app.request(path), 401);
    }
    const res = await app.request(`/staff/api/pakn/${h.seeded.stpSoon}/status`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ status: "accepted", version: 1 }),
    });
    await errorOf(res, 401);
  });

  it("/me tells the scope; an agency official gets no hand-over tickets (403)", async () => {
    const lan = await login("lan");
    expect(await (await get("/staff/api/me", lan)).json()).toEqual({
      officer: "lan",
      scope: "*",
      agency: null,
      hotline: true,
      today: "2026-03-16",
    });
    const binh = await login("binh");
    expect(await (await get("/staff/api/me", binh)).json()).toMatchObject({
      officer: "binh",
      scope: "STP",
      agency: { name: "Sở Tư pháp", code: "STP" },
      hotline: false,
    });
    expect((await errorOf(await get("/staff/api/tickets", binh), 403)).code).toBe("hotline_only");
    await errorOf(await post("/staff/api/tickets/1/claim", binh, {}), 403);
    expect((await get("/staff/api/tickets", lan)).status).toBe(200);
  });
});

describe("desk: the list", () => {
  it("sorted by due time, overdue and due-soon rows marked, counts per filter", async () => {
    const lan = await login("lan");
    const s = h.seeded;
    const all = (await (await get("/staff/api/pakn", lan)).json()) as ListBody;
    expect(all.items.map((i) => i.ref)).toEqual([
      s.stpOnTime,
      s.stpLate,
      s.xaOverdue,
      s.xaRejected,
      s.unassigned,
      s.stpSoon,
      s.xaLater,
    ]);
    expect(all.items.filter((i) => i.overdue).map((i) => i.ref)).toEqual([
      s.xaOverdue,
      s.unassigned,
    ]);
    expect(all.items.filter((i) => i.dueSoon).map((i) => i.ref)).toEqual([s.stpSoon]);
    expect(all.counts).toMatchObject({
      all: 7,
      open: 4,
      overdue: 2,
      dueSoon: 1,
      unassigned: 1,
      progressDue: 2,
    });
    expect(all.agencies).toEqual(["Sở Tư pháp", "UBND cấp xã", "Sở Xây dựng"]);
    const list = async (qs: string) =>
      ((await (await get(`/staff/api/pakn?${qs}`, lan)).json()) as ListBody).items.map(
        (i) => i.ref,
      );
    expect(await list("overdue=1")).toEqual([s.xaOverdue, s.unassigned]);
    expect(await list("dueWithin=3")).toEqual([s.stpSoon]);
    expect(await list("unassigned=1")).toEqual([s.unassigned]);
    expect(await list("agency=UBND%20c%E1%BA%A5p%20x%C3%A3&status=received")).toEqual([
      s.xaOverdue,
      s.xaLater,
    ]);
    expect(await list("q=trich%20luc")).toEqual([s.stpSoon]);
    expect(await list("progressDue=1")).toEqual([s.xaOverdue, s.unassigned]);
    await errorOf(await get("/staff/api/pakn?status=lost", lan), 400);
    await errorOf(await get("/staff/api/pakn?dueWithin=x", lan), 400);
    await errorOf(await get("/staff/api/pakn?dueWithin=99", lan), 400);
  });

  it("an official lists only the agency's cases; the counts are the agency's", async () => {
    const binh = await login("binh");
    const s = h.seeded;
    const body = (await (await get("/staff/api/pakn", binh)).json()) as ListBody;
    expect(body.items.map((i) => i.ref)).toEqual([s.stpOnTime, s.stpLate, s.stpSoon]);
    expect(body.counts).toMatchObject({ all: 3, open: 1, overdue: 0, dueSoon: 1, unassigned: 0 });
    expect(body.agencies).toEqual(["Sở Tư pháp"]);
    const foreign = (await (
      await get("/staff/api/pakn?agency=UBND%20c%E1%BA%A5p%20x%C3%A3", binh)
    ).json()) as ListBody;
    expect(foreign.items).toEqual([]);
    expect(
      ((await (await get("/staff/api/pakn?unassigned=1", binh)).json()) as ListBody).items,
    ).toEqual([]);
  });
});

describe("desk: one case", () => {
  it("shows the citizen's text, procedure, history, notifications and the allowed steps", async () => {
    const lan = await login("lan");
    const res = await get(`/staff/api/pakn/${h.seeded.xaOverdue}`, lan);
    expect(res.status).toBe(200);
    const c = (await res.json()) as Record<string, unknown>;
    expect(c).toMatchObject({
      ref: h.seeded.xaOverdue,
      text: "Cán bộ xã hẹn trả giấy khai sinh nhiều lần.",
      contact: "0912 345 678",
      agency: "UBND cấp xã",
      procedureCode: "1.001193",
      procedureName: "Thủ tục đăng ký khai sinh",
      allowed: ["accepted", "rejected"],
      overdue: true,
      progressDue: true,
      today: "2026-03-16",
    });
    expect(c.procedureUrl).toMatch(/^https:\/\/dichvucong\.gov\.vn\//);
    expect(c.history).toEqual([
      expect.objectContaining({ action: "filed", actor: "citizen" }),
      expect.objectContaining({ action: "progress", actor: "system" }),
    ]);
    expect(c.notifications).toEqual([expect.objectContaining({ kind: "progress", sentAt: null })]);
  });

  it("another agency's case is 404 on the page's API and on the bearer API, and never changes", async () => {
    const binh = await login("binh");
    const xa = h.seeded.xaOverdue;
    const nf = await errorOf(await get(`/staff/api/pakn/${xa}`, binh), 404);
    expect(nf.code).toBe("case_not_found");
    // The same answer as for a case that does not exist.
    const none = await errorOf(await get("/staff/api/pakn/PAKN-2026-999999", binh), 404);
    expect(none).toEqual(nf);
    for (const [verb, body] of [
      ["status", { status: "accepted", version: 1 }],
      ["progress", { note: "Đang xử lý", version: 1 }],
      ["assign", { agency: "Sở Tư pháp", version: 1 }],
    ] as const) {
      await errorOf(await post(`/staff/api/pakn/${xa}/${verb}`, binh, body), 404);
      await errorOf(await bearer(`/api/staff/feedback/${xa}/${verb}`, "binh", body), 404);
    }
    await errorOf(await bearer(`/api/staff/feedback/${xa}`, "binh"), 404);
    const list = (await (await bearer("/api/staff/feedback", "binh")).json()) as ListBody;
    expect(list.items.map((i) => i.agency)).toEqual(["Sở Tư pháp", "Sở Tư pháp", "Sở Tư pháp"]);
    expect(await h.feedback.staffView(xa)).toMatchObject({ status: "received", version: 1 });
    // An unscoped bearer token (lan) still sees every case, as before scopes.
    expect(
      ((await (await bearer("/api/staff/feedback", "lan")).json()) as ListBody).items,
    ).toHaveLength(7);
  });

  it("changes follow the lifecycle and the version; a stale one is refused and saves nothing", async () => {
    const binh = await login("binh");
    const ref = h.seeded.stpSoon;
    const accepted = await post(`/staff/api/pakn/${ref}/status`, binh, {
      status: "accepted",
      version: 1,
    });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ status: "accepted", version: 2 });
    const lan = await login("lan");
    await post(`/staff/api/pakn/${ref}/progress`, lan, {
      note: "Đã chuyển phòng chuyên môn.",
      version: 2,
    });
    const stale = await post(`/staff/api/pakn/${ref}/status`, binh, {
      status: "in_progress",
      version: 2,
    });
    const err = await errorOf(stale, 409);
    expect(err.code).toBe("version_conflict");
    expect(err.message).toContain("đã được cập nhật bởi lan");
    expect(err.message).toContain("chưa được lưu");
    expect(await h.feedback.staffView(ref)).toMatchObject({ status: "accepted", version: 3 });
    // A step the lifecycle does not allow: 409, nothing saved.
    const skip = await post(`/staff/api/pakn/${ref}/status`, binh, {
      status: "closed",
      version: 3,
    });
    expect((await errorOf(skip, 409)).code).toBe("invalid_transition");
    // Answering: the answer and the result's date.
    const answered = await post(`/staff/api/pakn/${ref}/status`, binh, {
      status: "answered",
      version: 3,
      note: "Đã cấp bản sao trích lục ngày 13/3.",
      resultDate: "2026-03-13",
    });
    expect(await answered.json()).toMatchObject({
      status: "answered",
      resultDate: "2026-03-13",
      allowed: ["closed"],
    });
    const closed = await post(`/staff/api/pakn/${ref}/status`, binh, {
      status: "closed",
      version: 4,
    });
    expect(await closed.json()).toMatchObject({ status: "closed", allowed: [] });
    // The citizen sees it, without staff names.
    const citizen = (await (
      await app.request(`/api/feedback/${ref}`, {
        headers: { "X-Citizen-Token": h.seeded.stpSoonToken },
      })
    ).json()) as { status: string; history: { by: string; to: string }[] };
    expect(citizen.status).toBe("closed");
    expect(citizen.history.map((x) => [x.by, x.to])).toEqual([
      ["citizen", "received"],
      ["staff", "accepted"],
      ["staff", "accepted"],
      ["staff", "answered"],
      ["staff", "closed"],
    ]);
  });

  it("a hand-over to another agency answers movedOut; a cross-site post is refused", async () => {
    const binh = await login("binh");
    const ref = h.seeded.stpSoon;
    const cross = await post(
      `/staff/api/pakn/${ref}/assign`,
      binh,
      { agency: "Sở Xây dựng", version: 1 },
      {
        Origin: "https://evil.example",
      },
    );
    await errorOf(cross, 403);
    const moved = await post(`/staff/api/pakn/${ref}/assign`, binh, {
      agency: "Sở Xây dựng",
      version: 1,
      note: "Thuộc lĩnh vực xây dựng",
    });
    expect(await moved.json()).toEqual({ ref, movedOut: true });
    await errorOf(await get(`/staff/api/pakn/${ref}`, binh), 404);
  });
});

describe("desk: dashboard and downloads", () => {
  type Dash = {
    report: QuarterlyReport;
    total: Record<string, unknown>;
    ratings: unknown;
    handover: { byOfficer: { key: string; tickets: number }[] } | null;
    columns: { key: string; title: string }[];
  };

  it("the province's figures are the report's, with the measures beside", async () => {
    const lan = await login("lan");
    const d = (await (await get("/staff/api/dashboard?quarter=2026Q1", lan)).json()) as Dash;
    expect(d.report).toEqual(await h.feedback.report(parseQuarter("2026Q1")));
    expect(d.total).toMatchObject({ received: 7, handled: 3, overdueNow: 2 });
    expect(d.ratings).toEqual({ up: 1, down: 1, upShare: 50 });
    expect(d.handover?.byOfficer).toEqual([expect.objectContaining({ key: "lan", tickets: 1 })]);
    expect(d.columns[0]).toEqual({ key: "agency", title: "Cơ quan" });
    const one = (await (
      await get("/staff/api/dashboard?quarter=2026Q1&agency=STP", lan)
    ).json()) as Dash;
    expect(one.report.rows.map((r) => r.agency)).toEqual(["Sở Tư pháp"]);
    expect(one.ratings).toBeNull();
    expect(one.handover).toBeNull();
    const range = await get("/staff/api/dashboard?from=2026-01-01&to=2026-01-31", lan);
    expect(((await range.json()) as Dash).report.quarter).toBe("2026-01-01…2026-01-31");
    await errorOf(await get("/staff/api/dashboard", lan), 400);
    await errorOf(await get("/staff/api/dashboard?quarter=2026Q9", lan), 400);
    await errorOf(await get("/staff/api/dashboard?from=2026-03-01&to=2026-01-01", lan), 400);
  });

  it("an official's dashboard is the agency's rows of the report, whatever ?agency= says", async () => {
    const cuong = await login("cuong");
    const d = (await (
      await get("/staff/api/dashboard?quarter=2026Q1&agency=STP", cuong)
    ).json()) as Dash;
    const report = await h.feedback.report(parseQuarter("2026Q1"));
    expect(d.report.rows).toEqual(report.rows.filter((r) => r.agency === "UBND cấp xã"));
    expect(d.ratings).toBeNull();
    expect(d.handover).toBeNull();
  });

  it("CSV and XLSX downloads are the report's files", async () => {
    const lan = await login("lan");
    const csv = await get("/staff/api/report.csv?quarter=2026Q1", lan);
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="pakn-2026Q1.csv"');
    expect(await csv.text()).toBe(
      reportToCsv(await h.feedback.report(parseQuarter("2026Q1"))).replace(/^\uFEFF/, ""),
    );
    const binh = await login("binh");
    const own = await get("/staff/api/report.csv?quarter=2026Q1", binh);
    expect(own.headers.get("content-disposition")).toBe(
      'attachment; filename="pakn-2026Q1-STP.csv"',
    );
    const lines = (await own.text()).trim().split("\r\n");
    expect(lines.map((l) => l.split(",")[0])).toEqual(["Cơ quan", "Sở Tư pháp", "Tổng cộng"]);
    const xlsx = await get("/staff/api/report.xlsx?quarter=2026Q1", lan);
    expect(xlsx.headers.get("content-type")).toContain("spreadsheetml");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    expect(wb.worksheets[0]!.name).toBe("PAKN 2026Q1");
    await errorOf(await get("/staff/api/report.csv?from=2026-01-01&to=2026-01-31", lan), 400);
    expect(parseQuarter("2026Q1").label).toBe("2026Q1");
  });
});
