import http from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AskResult } from "../../src/assistant/types.ts";
import { createSqliteSql, type SqlDatabase } from "../../src/db/index.ts";
import { createApp, type App } from "../../src/web/app.ts";
import { MAX_QUESTION_CHARS } from "../../src/web/server.ts";
import { fakeAsk, memoryLogger } from "./helpers.ts";

let app: App;
let sql: SqlDatabase;
let base: string;
const asked: string[] = [];
const logs = memoryLogger();

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "motcua-web-"));
  sql = createSqliteSql({ file: path.join(dataDir, "motcua.sqlite") });
  app = createApp({
    config: { host: "127.0.0.1", port: 0 },
    sql,
    logger: logs.logger,
    assistant: {
      ask(question: string) {
        asked.push(question);
        return fakeAsk(question);
      },
    },
    now: () => new Date("2026-03-02T08:00:00Z"),
  });
  base = (await app.start()).url.replace(/\/$/, "");
});

afterAll(async () => {
  await app.stop();
  // The database is the caller's: still open.
  expect(await sql.ping()).toBe(true);
  await sql.close();
});

function post(body: string | Uint8Array, type = "application/json"): Promise<Response> {
  return fetch(`${base}/api/ask`, { method: "POST", headers: { "Content-Type": type }, body });
}

async function expectError(res: Response, status: number, code: string): Promise<string> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error.message;
}

/** A raw request, for bodies fetch will not send the way we want. */
function rawRequest(
  options: http.RequestOptions,
  write: (req: http.ClientRequest) => void,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = http.request(
      { host: url.hostname, port: url.port, path: "/api/ask", method: "POST", ...options },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on("error", reject);
    write(req);
  });
}

describe("pages", () => {
  it("GET / serves the chat page with a CSP", async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toContain("<title>motcua — Trợ lý thủ tục hành chính</title>");
  });

  it("serves the script and style", async () => {
    const js = await fetch(`${base}/chat.js`);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await js.text()).toContain("/api/chat");
    const css = await fetch(`${base}/chat.css`);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
  });

  it("answers HEAD like GET without a body", async () => {
    const res = await fetch(`${base}/`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it("GET /healthz", async () => {
    const res = await fetch(`${base}/healthz?probe=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ ok: true, database: { engine: "sqlite", ready: true } });
  });
});

describe("POST /api/ask", () => {
  it("returns the AskResult", async () => {
    const res = await post(JSON.stringify({ question: "  Đăng ký khai sinh ở đâu?  " }));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const result = (await res.json()) as AskResult;
    expect(result).toEqual(fakeAsk("Đăng ký khai sinh ở đâu?"));
  });

  it("accepts a charset parameter and extra fields", async () => {
    const res = await post(
      JSON.stringify({ question: "hộ chiếu", extra: true }),
      "application/json; charset=UTF-8",
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as AskResult).choices).toHaveLength(2);
  });

  it("logs the question masked in SQLite, and never the raw personal data", async () => {
    const question = "Tôi số 0912 345 678, CCCD 001203004567, email an@example.vn, CMND 123456789";
    const res = await post(JSON.stringify({ question }));
    expect(res.status).toBe(200);
    // Written in the background, after the answer.
    const row = await vi.waitFor(async () => {
      const [latest] = await app.questions.recent(1);
      expect(latest?.questionMasked).toMatch(/^Tôi số/);
      return latest;
    });
    expect(row).toMatchObject({
      askedAt: "2026-03-02T08:00:00.000Z",
      channel: "web",
      questionMasked: "Tôi số [phone], CCCD [id-number], email [email], CMND [id-number]",
      intent: "procedure",
      topCode: "1.001193",
      confidence: "sure",
    });
    const dump = JSON.stringify(await sql.all("SELECT * FROM questions")) + logs.text();
    for (const secret of ["345 678", "001203004567", "an@example.vn", "123456789"]) {
      expect(dump).not.toContain(secret);
    }
  });

  it("405 for a wrong method, with Allow", async () => {
    const res = await fetch(`${base}/api/ask`);
    await expectError(res, 405, "method_not_allowed");
    expect(res.headers.get("allow")).toBe("POST");
    const page = await fetch(`${base}/`, { method: "POST", body: "x" });
    await expectError(page, 405, "method_not_allowed");
    expect(page.headers.get("allow")).toBe("GET, HEAD");
  });

  it("404 for an unknown path", async () => {
    await expectError(await fetch(`${base}/nope`), 404, "not_found");
    await expectError(await fetch(`${base}/api/ask/`), 404, "not_found");
    await expectError(await fetch(`${base}/%zz`), 404, "not_found");
  });

  it("415 for a wrong or missing content type", async () => {
    await expectError(await post('{"question":"a"}', "text/plain"), 415, "unsupported_media_type");
    await expectError(
      await post('{"question":"a"}', "application/json; charset=latin1"),
      415,
      "unsupported_media_type",
    );
    const res = await rawRequest({}, (req) => req.end('{"question":"a"}'));
    expect(res.status).toBe(415);
  });

  it("413 for a 100 KB body (declared length)", async () => {
    const big = JSON.stringify({ question: "a".repeat(100 * 1024) });
    await expectError(await post(big), 413, "payload_too_large");
  });

  it("413 for a 100 KB chunked body, without reading it all", async () => {
    const res = await rawRequest({ headers: { "Content-Type": "application/json" } }, (req) => {
      req.write('{"question":"');
      req.write("a".repeat(100 * 1024));
      req.end('"}');
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: "payload_too_large" } });
  });

  it("accepts a body just under 16 KB", async () => {
    const question = "é".repeat(1000);
    const res = await post(JSON.stringify({ question, pad: "x".repeat(12_000) }));
    expect(res.status).toBe(200);
  });

  it.each([
    ["malformed JSON", "{question:", "invalid_json"],
    ["empty body", "", "invalid_json"],
    ["null", "null", "invalid_request"],
    ["array", '["a"]', "invalid_request"],
    ["missing question", "{}", "invalid_request"],
    ["number", '{"question": 5}', "invalid_request"],
    ["null question", '{"question": null}', "invalid_request"],
    ["empty question", '{"question": "   "}', "question_empty"],
    ["only control characters", '{"question": "\\u0000\\u0007\\u001b"}', "question_empty"],
  ])("400 for %s", async (_name, body, code) => {
    await expectError(await post(body), 400, code);
  });

  it("400 with a Vietnamese and English message for a question over 2,000 characters", async () => {
    const message = await expectError(
      await post(JSON.stringify({ question: "a".repeat(MAX_QUESTION_CHARS + 1) })),
      400,
      "question_too_long",
    );
    expect(message).toContain("Câu hỏi quá dài");
    expect(message).toContain("too long");
    expect(message).toContain("2,000");
    // Exactly 2,000 characters (counted as code points) is fine.
    const ok = await post(JSON.stringify({ question: "𝔸".repeat(MAX_QUESTION_CHARS) }));
    expect(ok.status).toBe(200);
  });

  it("strips control characters before asking", async () => {
    const res = await post(JSON.stringify({ question: "khai\u0000 sinh\u001b[31m\u0085?\nok" }));
    expect(res.status).toBe(200);
    expect(asked.at(-1)).toBe("khai  sinh [31m ?\nok");
  });

  it.each([
    ["emoji only", "😀🙏🇻🇳"],
    ["lone surrogate", "\ud800abc"],
    ["right-to-left and zero-width", "\u202e\u200bxin chào"],
    [
      "invalid UTF-8",
      Buffer.from([
        0x7b, 0x22, 0x71, 0x75, 0x65, 0x73, 0x74, 0x69, 0x6f, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe,
        0x22, 0x7d,
      ]),
    ],
  ])("200 for %s", async (_name, question) => {
    const body = typeof question === "string" ? JSON.stringify({ question }) : question;
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(((await res.json()) as AskResult).intent).toBe("procedure");
  });

  it("500 with a generic apology when the assistant throws, details only in the log", async () => {
    const res = await post(JSON.stringify({ question: "boom 0912345678" }));
    const message = await expectError(res, 500, "internal_error");
    expect(message).toContain("Xin lỗi");
    expect(message).not.toContain("exploded");
    expect(message).not.toContain("secret");
    const line = logs.lines().find((l) => l.msg === "assistant failed");
    expect(line).toBeDefined();
    expect(JSON.stringify(line)).toContain("assistant exploded");
    expect(line?.question).toBe("boom [phone]");
  });

  it("still answers when recording the question fails", async () => {
    const { createServer } = await import("../../src/web/server.ts");
    const { listen, close } = await import("./helpers.ts");
    const server = createServer({
      ask: fakeAsk,
      recordQuestion: () => {
        throw new Error("disk full");
      },
      logger: logs.logger,
    });
    const url = await listen(server);
    try {
      const res = await fetch(`${url}/api/ask`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question: "khai sinh" }),
      });
      expect(res.status).toBe(200);
      expect(logs.text()).toContain("disk full");
    } finally {
      await close(server);
    }
  });
});
