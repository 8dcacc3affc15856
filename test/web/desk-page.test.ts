// The officials' desk and dashboard in a real headless Chromium, against the real server on
// 127.0.0.1, with an injected clock (Monday 16/3/2026, 09:00): log in, filter, open a case, change
// it, see the citizen's view follow; a stale edit from a second browser is refused; an official of
// one agency cannot open another's case; the dashboard's figures are the report's. Screenshots go
// to var/screenshots/ (git-ignored).
import { existsSync, mkdirSync } from "node:fs";
import type http from "node:http";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseQuarter, UNASSIGNED_LABEL } from "../../src/feedback/index.ts";
import { createServer } from "../../src/web/server.ts";
import { close, fakeAsk, listen, memoryLogger } from "./helpers.ts";
import { makeDeskHarness, TOKENS, type DeskHarness } from "./desk-helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = path.resolve("var/screenshots");

let h: DeskHarness;
let server: http.Server;
let base: string;
let browser: Browser;
/** Every request a page made that did not go to the test server. */
const foreign: string[] = [];
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}`);
  mkdirSync(SHOTS, { recursive: true });
  h = await makeDeskHarness();
  server = createServer({ ask: fakeAsk, logger: memoryLogger().logger, extraRoutes: h.routes });
  base = await listen(server);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (server) await close(server);
  await h?.close();
});

async function open(viewport = { width: 1366, height: 768 }): Promise<{
  context: BrowserContext;
  page: Page;
}> {
  const context = await browser.newContext({ viewport, locale: "vi-VN" });
  const page = await context.newPage();
  page.on("pageerror", (err) => problems.push(err.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 40[1349]/.test(m.text())) problems.push(m.text());
  });
  page.on("request", (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith("data:")) foreign.push(r.url());
  });
  return { context, page };
}

async function login(page: Page, who: keyof typeof TOKENS, at = "/staff") {
  await page.goto(`${base}${at}`);
  await page.getByLabel("Mã đăng nhập cán bộ").fill(TOKENS[who]);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.locator("#who").filter({ hasText: who }).waitFor();
}

const rowRefs = (page: Page) =>
  page
    .locator("#cases tbody tr.case-row")
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-ref")));

describe("the PAKN desk in Chromium", () => {
  it("login hides the form and the 'login required' note; list, filters, counts, marks", async () => {
    const { context, page } = await open();
    await login(page, "lan");
    // Console state: the form is really hidden, no stale 401 message, the officer shown.
    await expect(page.locator("#login").isHidden()).resolves.toBe(true);
    expect(await page.locator("#status").textContent()).not.toContain("Cần đăng nhập");
    await expect(page.locator("#who").textContent()).resolves.toBe("lan · Toàn tỉnh");
    await page.getByRole("link", { name: "Phản ánh, kiến nghị" }).click();
    await page.locator("#cases tbody tr.case-row").first().waitFor();
    expect(page.url()).toBe(`${base}/staff/pakn`);
    const s = h.seeded;
    expect(await rowRefs(page)).toEqual([
      s.stpOnTime,
      s.stpLate,
      s.xaOverdue,
      s.xaRejected,
      s.unassigned,
      s.stpSoon,
      s.xaLater,
    ]);
    // Overdue and due-soon rows are marked in words, not only colour.
    const overdueRow = page.locator(`tr[data-ref='${s.xaOverdue}']`);
    await expect(overdueRow.getAttribute("class")).resolves.toContain("overdue");
    await expect(overdueRow.textContent()).resolves.toContain("Quá hạn");
    await expect(page.locator(`tr[data-ref='${s.stpSoon}']`).textContent()).resolves.toContain(
      "Sắp đến hạn",
    );
    // Counts per filter.
    await expect(page.locator("[data-quick='overdue'] .count").textContent()).resolves.toBe("2");
    await expect(page.locator("[data-quick='dueSoon'] .count").textContent()).resolves.toBe("1");
    await expect(page.locator("[data-quick='unassigned'] .count").textContent()).resolves.toBe("1");

    await page.locator("[data-quick='overdue']").click();
    await page.waitForURL(/overdue=1/);
    await expect.poll(() => rowRefs(page)).toEqual([s.xaOverdue, s.unassigned]);
    await expect(page.locator("[data-quick='overdue']").getAttribute("aria-pressed")).resolves.toBe(
      "true",
    );
    // The form by keyboard: agency, text, due within.
    await page.getByRole("button", { name: "Bỏ lọc" }).click();
    await expect.poll(() => rowRefs(page)).toHaveLength(7);
    await page.getByLabel("Cơ quan").selectOption("Sở Tư pháp");
    await page.getByLabel("Tìm theo nội dung hoặc mã").fill("trich luc");
    await page.getByLabel("Tìm theo nội dung hoặc mã").press("Enter");
    await expect.poll(() => rowRefs(page)).toEqual([s.stpSoon]);
    await page.getByRole("button", { name: "Bỏ lọc" }).click();
    await page.getByLabel("Đến hạn trong (ngày làm việc)").fill("3");
    await page.getByRole("button", { name: "Lọc", exact: true }).click();
    await expect.poll(() => rowRefs(page)).toEqual([s.stpSoon]);
    await page.getByRole("button", { name: "Bỏ lọc" }).click();
    await expect.poll(() => rowRefs(page)).toHaveLength(7);
    await page.screenshot({ path: path.join(SHOTS, "desk-list-1366.png"), fullPage: true });
    // By keyboard alone: Tab from the top reaches the navigation, the filters and the cases.
    await page.locator("body").focus();
    const reached: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      reached.push(
        await page.evaluate<string>(
          "(() => { const e = document.activeElement; return e.tagName + ':' + (e.getAttribute('aria-label') || e.labels?.[0]?.textContent?.trim() || e.textContent.trim()).slice(0, 40); })()",
        ),
      );
    }
    expect(reached).toEqual(
      expect.arrayContaining([
        "A:Thống kê",
        expect.stringMatching(/^BUTTON:Quá hạn/),
        expect.stringMatching(/^SELECT:Trạng thái/),
        expect.stringMatching(/^INPUT:Tìm theo nội dung/),
        `A:${s.stpOnTime}`,
      ]),
    );
    // Enter on a case link opens it.
    await page.getByRole("link", { name: s.xaRejected }).focus();
    await page.keyboard.press("Enter");
    await page.locator("#case-title").filter({ hasText: s.xaRejected }).waitFor();
    await expect(page.locator("#case-actions").textContent()).resolves.toContain(
      "Hồ sơ đã kết thúc",
    );
    await context.close();
  });

  it("open a case, accept it; the citizen's view follows; a stale edit from another browser is refused", async () => {
    const s = h.seeded;
    const a = await open();
    await login(a.page, "lan", "/staff/pakn");
    await a.page.getByRole("link", { name: s.stpSoon }).click();
    await a.page.locator("#case-title").filter({ hasText: s.stpSoon }).waitFor();
    expect(a.page.url()).toBe(`${base}/staff/pakn/${s.stpSoon}`);
    await expect(a.page.locator("#case-text").textContent()).resolves.toBe(
      "Chậm cấp bản sao trích lục khai sinh cho con tôi.",
    );
    await expect(a.page.locator("#case-facts").textContent()).resolves.toContain("Sở Tư pháp");
    await expect(a.page.locator("#case-flags").textContent()).resolves.toContain("Sắp đến hạn");

    // A second officer (Sở Tư pháp) opens the same case in another browser, at version 1.
    const b = await open();
    await login(b.page, "binh", `/staff/pakn/${s.stpSoon}`);
    await b.page.locator("#case-title").filter({ hasText: s.stpSoon }).waitFor();
    await expect(b.page.locator("#case-facts").textContent()).resolves.toContain(
      "Phiên bản hồ sơ1",
    );

    // The first accepts it.
    await a.page.getByLabel("Thao tác").selectOption({ label: "Thụ lý" });
    await a.page
      .getByLabel("Ghi chú gửi người dân (không bắt buộc)")
      .fill("Đã giao phòng Hộ tịch.");
    await a.page.getByRole("button", { name: "Lưu trạng thái" }).click();
    await a.page.locator("#case-message").filter({ hasText: "Đã lưu: Thụ lý." }).waitFor();
    await expect(a.page.locator("#case-facts").textContent()).resolves.toContain("Đã thụ lý");
    await expect(a.page.locator("#case-history").textContent()).resolves.toContain(
      "Đã tiếp nhận → Đã thụ lý",
    );
    await a.page.screenshot({ path: path.join(SHOTS, "desk-case-1366.png"), fullPage: true });

    // The citizen's status view shows it.
    const citizen = (await (
      await fetch(`${base}/api/feedback/${s.stpSoon}`, {
        headers: { "X-Citizen-Token": s.stpSoonToken },
      })
    ).json()) as { status: string; history: { to: string; note: string | null }[] };
    expect(citizen.status).toBe("accepted");
    expect(citizen.history.at(-1)).toMatchObject({
      to: "accepted",
      note: "Đã giao phòng Hộ tịch.",
    });

    // The second, still at version 1, writes a progress update: refused, kept, case reloaded.
    await b.page.getByLabel("Nội dung cập nhật").fill("Chúng tôi đang xác minh với UBND xã.");
    await b.page.getByRole("button", { name: "Gửi cập nhật tiến độ" }).click();
    const message = b.page.locator("#case-message");
    await message.filter({ hasText: "chưa được lưu" }).waitFor();
    await expect(message.textContent()).resolves.toContain("đã được cập nhật bởi lan");
    await expect(b.page.locator("#case-facts").textContent()).resolves.toContain("Đã thụ lý");
    await expect(b.page.getByLabel("Nội dung cập nhật").inputValue()).resolves.toBe(
      "Chúng tôi đang xác minh với UBND xã.",
    );
    expect(await h.feedback.staffView(s.stpSoon)).toMatchObject({ status: "accepted", version: 2 });
    expect((await h.feedback.staffView(s.stpSoon)).history.map((x) => x.actor)).not.toContain(
      "staff:binh",
    );
    // Sending again, now at the current version, goes through.
    await b.page.getByRole("button", { name: "Gửi cập nhật tiến độ" }).click();
    await b.page.locator("#case-message").filter({ hasText: "Đã gửi cập nhật tiến độ." }).waitFor();
    expect((await h.feedback.staffView(s.stpSoon)).history.at(-1)).toMatchObject({
      actor: "staff:binh",
      action: "progress",
    });
    await a.context.close();
    await b.context.close();
  });

  it("an official of one agency cannot open another agency's case, on the page or the API", async () => {
    const s = h.seeded;
    const { context, page } = await open();
    await login(page, "binh", "/staff");
    // No hand-over tickets for an agency official: straight to the desk, own cases only.
    await page.waitForURL(`${base}/staff/pakn`);
    await page.locator("#cases tbody tr.case-row").first().waitFor();
    expect(await page.locator("#nav-tickets").isHidden()).toBe(true);
    expect(await rowRefs(page)).toEqual([s.stpOnTime, s.stpLate, s.stpSoon]);
    await expect(page.locator("#who").textContent()).resolves.toBe("binh · Sở Tư pháp");
    await page.goto(`${base}/staff/pakn/${s.xaOverdue}`);
    await page.locator("#case-message").filter({ hasText: "Không tìm thấy hồ sơ" }).waitFor();
    expect(await page.locator("#case-text").textContent()).toBe("");
    const status = await page.evaluate(
      async (ref) => (await fetch(`/staff/api/pakn/${ref}`)).status,
      s.xaOverdue,
    );
    expect(status).toBe(404);
    const post = await page.evaluate(
      async (ref) =>
        (
          await fetch(`/staff/api/pakn/${ref}/status`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ status: "accepted", version: 1 }),
          })
        ).status,
      s.xaOverdue,
    );
    expect(post).toBe(404);
    const api = await fetch(`${base}/api/staff/feedback/${s.xaOverdue}`, {
      headers: { Authorization: `Bearer ${TOKENS.binh}` },
    });
    expect(api.status).toBe(404);
    expect((await h.feedback.staffView(s.xaOverdue)).status).toBe("received");
    await context.close();
  });

  it("the dashboard shows the report's figures for the quarter, charts with tables, downloads", async () => {
    const { context, page } = await open();
    await login(page, "lan", "/staff/thongke?quarter=2026Q1");
    await page.locator("#dash-report tbody tr").first().waitFor();
    const report = await h.feedback.report(parseQuarter("2026Q1"));
    const table = await page
      .locator("#dash-report tbody tr")
      .evaluateAll((rows) =>
        rows.map((r) =>
          [...r.children].map((cell) => [
            cell.getAttribute("data-key"),
            (cell.textContent ?? "").trim(),
          ]),
        ),
      );
    const expected = [...report.rows, report.total].map((r) =>
      Object.entries(r).map(([k, v]) => [
        k,
        k === "agency" && v === "" ? UNASSIGNED_LABEL : String(v),
      ]),
    );
    expect(table).toEqual(expected);
    expect(await page.locator("svg.bar-chart").count()).toBeGreaterThanOrEqual(4);
    await expect(page.locator("#kpis").textContent()).resolves.toContain("Tỉ lệ đúng hạn");
    await expect(page.locator("#dl-csv").getAttribute("href")).resolves.toBe(
      "/staff/api/report.csv?quarter=2026Q1",
    );
    const csv = await page.evaluate(async () =>
      (await fetch("/staff/api/report.csv?quarter=2026Q1")).text(),
    );
    expect(csv).toContain("Tổng cộng");
    await page.screenshot({ path: path.join(SHOTS, "dashboard-1366.png"), fullPage: true });

    // One agency, chosen by keyboard-reachable controls.
    await page.getByLabel("Phạm vi").selectOption("UBND cấp xã");
    await page.getByRole("button", { name: "Xem thống kê" }).click();
    await page.locator("#dash-scope").filter({ hasText: "UBND cấp xã" }).waitFor();
    const rows = await page
      .locator("#dash-report tbody tr")
      .evaluateAll((r) => r.map((x) => x.getAttribute("data-agency")));
    expect(rows).toEqual(["UBND cấp xã", "__total"]);
    await context.close();
  });

  it("is readable at phone width (375 px): no sideways scrolling on the list, case and dashboard", async () => {
    const { context, page } = await open({ width: 375, height: 740 });
    await login(page, "cuong", "/staff/pakn");
    await page.locator("#cases tbody tr.case-row").first().waitFor();
    const width = () => page.evaluate<number>("document.documentElement.scrollWidth");
    expect(await width()).toBeLessThanOrEqual(375);
    await page.screenshot({ path: path.join(SHOTS, "desk-list-375.png"), fullPage: true });
    await page.getByRole("link", { name: h.seeded.xaOverdue }).click();
    await page.locator("#case-title").filter({ hasText: h.seeded.xaOverdue }).waitFor();
    await expect(page.locator("#progress-due").textContent()).resolves.toContain(
      "Đã đến hạn cập nhật tiến độ 7 ngày",
    );
    expect(await width()).toBeLessThanOrEqual(375);
    await page.screenshot({ path: path.join(SHOTS, "desk-case-375.png"), fullPage: true });
    await page.getByRole("link", { name: "Thống kê" }).click();
    await page.locator("#dash-report tbody tr").first().waitFor();
    expect(await width()).toBeLessThanOrEqual(375);
    await page.screenshot({ path: path.join(SHOTS, "dashboard-375.png"), fullPage: true });
    await context.close();
  });

  it("made no request outside the server and raised no script error", () => {
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
  });
});
