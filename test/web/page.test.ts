// The web chat in a real headless Chromium, against the real server (POST /api/chat, the inbox)
// with a fake dialogue core.
import { existsSync, mkdtempSync } from "node:fs";
import type http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { IncomingMessage, OutgoingMessage } from "../../src/channels/types.ts";
import { createSqliteSql } from "../../src/db/index.ts";
import { createInbox, type Inbox } from "../../src/dialogue/index.ts";
import { createChatRoutes, webUserId } from "../../src/web/chat-routes.ts";
import { createServer } from "../../src/web/server.ts";
import { close, fakeAsk, listen, memoryLogger, PASSPORT_CHOICES, XSS } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";

let browser: Browser;
let server: http.Server;
let base: string;
let page: Page;
let failAsk = false;
const problems: string[] = [];
const received: IncomingMessage[] = [];
let inbox: Inbox;

/** A stand-in for the dialogue core: fakeAsk's answers, choices and 👍/👎 as buttons. */
function fakeHandle(msg: IncomingMessage): OutgoingMessage[] {
  received.push(msg);
  if (failAsk) throw new Error("down");
  const first = PASSPORT_CHOICES[0]!;
  if (msg.action === `pick:${first.code}`) {
    return [
      {
        text: `Thủ tục: ${first.name}\nXem chi tiết: ${first.url}.\nKhông phải link: javascript:alert(1)`,
        buttons: [
          [
            { label: "👍 Hữu ích", action: "rate:up:1" },
            { label: "👎 Chưa đúng", action: "rate:down:1" },
          ],
        ],
      },
    ];
  }
  if (msg.action !== undefined) return [{ text: `Nút: ${msg.action}` }];
  const result = fakeAsk(msg.text ?? "");
  if (result.choices.length > 0) {
    return [
      {
        text: result.answer,
        buttons: result.choices.map((c, i) => [
          { label: `${i + 1}. ${c.name} – ${c.level}`, action: `pick:${c.code}` },
        ]),
      },
    ];
  }
  return [{ text: result.answer }];
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    // Fail, do not skip: CI installs Chromium (apt-get install -y chromium).
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it with "apt-get install -y chromium" to run the page tests.`,
    );
  }
  const logger = memoryLogger().logger;
  inbox = createInbox(
    createSqliteSql({
      file: path.join(mkdtempSync(path.join(tmpdir(), "motcua-page-")), "db.sqlite"),
    }),
    () => new Date(),
  );
  server = createServer({
    ask: fakeAsk,
    logger,
    extraRoutes: [
      createChatRoutes({ dialogue: { handle: async (m) => fakeHandle(m) }, inbox, logger }),
    ],
  });
  base = await listen(server);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (server) await close(server);
});

beforeEach(async () => {
  failAsk = false;
  problems.length = 0;
  received.length = 0;
  page = await browser.newPage();
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
  });
  await page.goto(`${base}/`);
});

afterEach(async () => {
  await page.close();
});

const botBubbles = () => page.locator("#messages .msg.bot .bubble");

async function askViaForm(question: string): Promise<void> {
  await page.getByLabel("Câu hỏi của bạn").fill(question);
  await page.getByRole("button", { name: "Gửi" }).click();
}

describe("web chat", () => {
  it("has the title, a labelled input, chips and a live message list", async () => {
    expect(await page.title()).toBe("motcua — Trợ lý thủ tục hành chính");
    await expect.poll(() => page.locator("#question:focus").count()).toBe(1);
    expect(await page.locator("#messages").getAttribute("aria-live")).toBe("polite");
    const chips = await page.locator(".chip").allTextContents();
    expect(chips).toEqual([
      "Làm căn cước cần gì?",
      "Đăng ký khai sinh ở đâu?",
      "Phí cấp hộ chiếu bao nhiêu?",
    ]);
  });

  it("asks a typed question and shows the answer", async () => {
    await askViaForm("Đăng ký khai sinh ở đâu?");
    await page.locator(".msg.user .bubble", { hasText: "Đăng ký khai sinh ở đâu?" }).waitFor();
    await botBubbles().filter({ hasText: "Bạn hỏi: Đăng ký khai sinh ở đâu?" }).waitFor();
    expect(await page.getByLabel("Câu hỏi của bạn").inputValue()).toBe("");
    expect(problems).toEqual([]);
  });

  it("sends with the Enter key, and a chip asks its question", async () => {
    await page.getByLabel("Câu hỏi của bạn").fill("Làm hộ khẩu");
    await page.getByLabel("Câu hỏi của bạn").press("Enter");
    await botBubbles().filter({ hasText: "Bạn hỏi: Làm hộ khẩu" }).waitFor();
    await page.getByRole("button", { name: "Làm căn cước cần gì?" }).click();
    await botBubbles().filter({ hasText: "Bạn hỏi: Làm căn cước cần gì?" }).waitFor();
  });

  it("shows buttons; a click sends its action and shows its label", async () => {
    await askViaForm("Phí cấp hộ chiếu bao nhiêu?");
    const choice = page.getByRole("button", { name: new RegExp(PASSPORT_CHOICES[0]!.name) });
    await choice.waitFor();
    expect(await page.locator(".choice").count()).toBe(2);
    await choice.click();
    await page
      .locator("#messages .msg.user .bubble")
      .filter({ hasText: `1. ${PASSPORT_CHOICES[0]!.name} – ${PASSPORT_CHOICES[0]!.level}` })
      .waitFor();
    const answer = botBubbles().filter({ hasText: `Thủ tục: ${PASSPORT_CHOICES[0]!.name}` });
    await answer.waitFor();
    expect(received.at(-1)).toMatchObject({
      channel: "web",
      action: `pick:${PASSPORT_CHOICES[0]!.code}`,
    });
    expect(received.at(-1)!.text).toBeUndefined();
    // The choices of that message are spent: a second click sends nothing.
    expect(await choice.isDisabled()).toBe(true);
    // The URL is a safe link (without the sentence's final dot); javascript: is left as text.
    const link = answer.locator("a");
    expect(await link.count()).toBe(1);
    expect(await link.getAttribute("href")).toBe(PASSPORT_CHOICES[0]!.url);
    expect(await link.getAttribute("rel")).toBe("noopener noreferrer");
    expect(await answer.textContent()).toContain("Không phải link: javascript:alert(1)");
    // Line breaks are kept.
    expect(await answer.innerText()).toContain(`${PASSPORT_CHOICES[0]!.name}\nXem chi tiết`);
    // 👍/👎 in one row under the answer.
    const down = answer.getByRole("button", { name: "👎 Chưa đúng" });
    await down.click();
    await botBubbles().filter({ hasText: "Nút: rate:down:1" }).waitFor();
    expect(problems).toEqual([]);
  });

  it("keeps one session across reloads; the server never sees it as the user id", async () => {
    await askViaForm("một");
    await botBubbles().filter({ hasText: "Bạn hỏi: một" }).waitFor();
    await page.reload();
    await askViaForm("hai");
    await botBubbles().filter({ hasText: "Bạn hỏi: hai" }).waitFor();
    const session = await page.evaluate<string | null>(`localStorage.getItem("motcua.session")`);
    expect(session).toMatch(/^[A-Za-z0-9_-]{16,128}$/);
    expect(received.map((m) => m.userId)).toEqual([webUserId(session!), webUserId(session!)]);
  });

  it("shows waiting notifications when the page opens", async () => {
    const session = await page.evaluate<string | null>(`localStorage.getItem("motcua.session")`);
    await inbox.sender("web")(
      webUserId(session!),
      {
        text: "Phản ánh, kiến nghị PAKN-2026-000001: Đã thụ lý.",
        buttons: [[{ label: "Xem tình trạng", action: "status:PAKN-2026-000001" }]],
      },
      { idempotencyKey: "PAKN-2026-000001:v2" },
    );
    await page.reload();
    const note = botBubbles().filter({ hasText: "PAKN-2026-000001: Đã thụ lý." });
    await note.waitFor();
    await note.getByRole("button", { name: "Xem tình trạng" }).click();
    await botBubbles().filter({ hasText: "Nút: status:PAKN-2026-000001" }).waitFor();
    // Handed out once.
    const fetched = page.waitForResponse((r) => r.url().includes("/api/chat/inbox"));
    await page.reload();
    expect(await (await fetched).json()).toEqual({ messages: [] });
    expect(await botBubbles().filter({ hasText: "Đã thụ lý" }).count()).toBe(0);
  });

  it("shows markup in an answer as text", async () => {
    await askViaForm("xss");
    const answer = botBubbles().filter({ hasText: "Trả lời:" });
    await answer.waitFor();
    expect(await answer.textContent()).toBe(`Trả lời: ${XSS}\nDòng hai`);
    expect(await page.locator("#messages img").count()).toBe(0);
    await page.waitForTimeout(200);
    expect(problems).toEqual([]);
  });

  it("shows the user's own markup as text", async () => {
    await askViaForm("<b>đậm</b> <script>alert(2)</script>");
    await page.locator(".msg.user .bubble", { hasText: "<b>đậm</b>" }).waitFor();
    expect(await page.locator("#messages b, #messages script").count()).toBe(0);
  });

  it("shows a friendly error bubble on HTTP errors", async () => {
    failAsk = true;
    await askViaForm("Làm căn cước cần gì?");
    const error = page.locator(".msg.error .bubble");
    await error.waitFor();
    expect(await error.textContent()).toContain("Xin lỗi");
    expect(await page.getByRole("button", { name: "Gửi" }).isEnabled()).toBe(true);

    failAsk = false;
    await page.route("**/api/chat", (route) =>
      route.fulfill({
        status: 400,
        contentType: "application/json",
        body: JSON.stringify({
          error: { code: "question_too_long", message: "Câu hỏi quá dài. / Too long." },
        }),
      }),
    );
    await askViaForm("dài");
    await page.locator(".msg.error .bubble", { hasText: "Câu hỏi quá dài." }).waitFor();
    expect(await page.locator(".msg.error .bubble").last().textContent()).toBe("Câu hỏi quá dài.");
  });
});
