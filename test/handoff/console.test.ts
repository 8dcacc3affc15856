// The staff console: HTTP checks (login, cookie, CSRF) and the page in a real headless Chromium.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import type http from "node:http";
import { chromium, type Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createStaffAuth } from "../../src/feedback/index.ts";
import { createServer } from "../../src/web/server.ts";
import { createStaffRoutes } from "../../src/web/staff-routes.ts";
import { texts } from "../dialogue/helpers.ts";
import { close, fakeAsk, listen, memoryLogger } from "../web/helpers.ts";
import { makeHandoffHarness, type HandoffHarness } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const TOKEN = "lan-secret-token-0123456789";

let h: HandoffHarness;
let server: http.Server;
let base: string;

beforeEach(async () => {
  h = makeHandoffHarness();
  const logger = memoryLogger().logger;
  server = createServer({
    ask: fakeAsk,
    logger,
    extraRoutes: [
      createStaffRoutes({
        handoff: h.handoff,
        staff: createStaffAuth([
          { name: "lan", sha256: createHash("sha256").update(TOKEN).digest("hex") },
        ]),
        logger,
        now: h.clock.now,
        insecureCookie: true,
      }),
    ],
  });
  base = await listen(server);
});

afterEach(async () => {
  await close(server);
  h.close();
});

async function login(): Promise<string> {
  const res = await fetch(`${base}/staff/api/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token: TOKEN }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get("set-cookie")!;
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  return cookie.split(";")[0]!;
}

describe("staff console API", () => {
  it("refuses anyone without a session, a wrong token, and cross-site posts", async () => {
    await h.say("gặp tổng đài viên", "alice", "web");
    expect((await fetch(`${base}/staff/api/tickets`)).status).toBe(401);
    const wrong = await fetch(`${base}/staff/api/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: "nope" }),
    });
    expect(wrong.status).toBe(401);
    const anon = await fetch(`${base}/staff/api/tickets/1/claim`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(anon.status).toBe(401);
    const cookie = await login();
    const crossSite = await fetch(`${base}/staff/api/tickets/1/reply`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Cookie: cookie,
        Origin: "https://evil.example",
      },
      body: JSON.stringify({ text: "hi" }),
    });
    expect(crossSite.status).toBe(403);
    const form = await fetch(`${base}/staff/api/tickets/1/close`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
      body: "a=1",
    });
    expect(form.status).toBe(415);
    expect((await h.handoff.store.get(1))?.status).toBe("waiting");
    const list = (await (
      await fetch(`${base}/staff/api/tickets`, { headers: { Cookie: cookie } })
    ).json()) as {
      tickets: { id: number; summary: string }[];
    };
    expect(list.tickets.map((t) => t.id)).toEqual([1]);
  });

  it("slows down token guessing (429 after 5 wrong tokens in a minute) without locking staff out", async () => {
    const attempt = (token: string) =>
      fetch(`${base}/staff/api/login`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token }),
      }).then((r) => r.status);
    for (let i = 0; i < 5; i++) expect(await attempt(`guess-${i}`)).toBe(401);
    expect(await attempt("guess-5")).toBe(429);
    // The right token still gets in from the same address (a shared proxy or office NAT).
    expect(await attempt(TOKEN)).toBe(200);
    h.clock.set(new Date(h.clock.now().getTime() + 61_000).toISOString());
    expect(await attempt("guess-6")).toBe(401);
  });
});

describe("staff console page (Chromium)", () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("login → reply reaches the citizen → close hands back to the bot", async () => {
    await h.say("khai sinh cho con, SĐT 0912345678", "alice", "web");
    await h.say("gặp tổng đài viên", "alice", "web");
    await h.say("Tôi cần <b>gấp</b>", "alice", "web");
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (err) => problems.push(err.message));
    page.on("dialog", (d) => {
      problems.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${base}/staff`);
    await page.getByLabel("Mã đăng nhập cán bộ").fill(TOKEN);
    await page.getByRole("button", { name: "Đăng nhập" }).click();
    const ticket = page.locator(".ticket[data-id='1']");
    await ticket.waitFor();
    await expect(ticket.locator(".summary").textContent()).resolves.toContain("khai sinh");
    expect(await ticket.locator(".summary").textContent()).not.toContain("0912345678");
    expect(await ticket.locator(".transcript").textContent()).toContain("Tôi cần <b>gấp</b>");
    expect(await page.locator("b").count()).toBe(0);
    expect(await page.evaluate("document.cookie")).toBe("");

    await ticket.getByLabel("Trả lời phiếu 1").fill("Chào chị, tôi là Lan.");
    await ticket.getByRole("button", { name: "Gửi" }).click();
    await ticket.locator(".transcript li.staff").waitFor();
    expect(h.sent.map((s) => [s.userId, s.message.text])).toContainEqual([
      "alice",
      "👤 Tổng đài viên: Chào chị, tôi là Lan.",
    ]);
    expect((await h.handoff.store.get(1))?.assignee).toBe("web:lan");

    await ticket.getByRole("button", { name: "Kết thúc, trả cho bot" }).click();
    await page.getByText("Không có phiếu nào.").waitFor();
    expect((await h.handoff.store.get(1))?.status).toBe("closed");
    expect(texts(await h.say("khai sinh", "alice", "web"))).toContain("1.001193");
    await expect(page.locator("#report tbody").textContent()).resolves.toContain("lan");
    expect(problems).toEqual([]);
    await page.close();
  });
});
