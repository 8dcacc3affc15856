// Per-client limits on the public POST routes, through app.request() with an injected clock and
// the socket address handed in as node-server would.
import { describe, expect, it } from "vitest";

import { loadConfig, ConfigError } from "../../src/config.ts";
import { RATE_LIMITS } from "../../src/web/rate-limit.ts";
import { createHonoApp } from "../../src/web/server.ts";
import { fakeAsk, memoryLogger } from "./helpers.ts";

function setup(trustedProxies: string[] = []) {
  let t = Date.parse("2026-12-02T03:00:00Z");
  const app = createHonoApp({
    ask: async (q: string) => fakeAsk(q),
    logger: memoryLogger().logger,
    now: () => new Date(t),
    rateLimits: { ask: { limit: 3, windowMs: 60_000 } },
    trustedProxies,
  });
  const ask = (from: string, headers: Record<string, string> = {}) =>
    app.request(
      "/api/ask",
      {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body: JSON.stringify({ question: "làm căn cước cần gì" }),
      },
      { incoming: { socket: { remoteAddress: from } } },
    );
  return { ask, advance: (ms: number) => (t += ms) };
}

describe("rate limits", () => {
  it("answers 429 with Retry-After and a Vietnamese message past the limit, per client", async () => {
    const { ask, advance } = setup();
    for (let i = 0; i < 3; i++) expect((await ask("203.0.113.5")).status).toBe(200);
    const refused = await ask("203.0.113.5");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("too_many_requests");
    expect(body.error.message).toMatch(/^Bạn gửi quá nhiều/);
    // Another client has its own window.
    expect((await ask("203.0.113.6")).status).toBe(200);
    advance(45_000);
    expect((await ask("203.0.113.5")).headers.get("retry-after")).toBe("15");
    advance(15_000);
    expect((await ask("203.0.113.5")).status).toBe(200);
  });

  it("believes X-Forwarded-For only from a trusted proxy", async () => {
    const direct = setup();
    // A client cannot pick its own key: its forged header is ignored.
    for (let i = 0; i < 3; i++) {
      await direct.ask("203.0.113.5", { "X-Forwarded-For": `198.51.100.${i}` });
    }
    expect((await direct.ask("203.0.113.5", { "X-Forwarded-For": "198.51.100.9" })).status).toBe(
      429,
    );

    const proxied = setup(["10.0.0.2"]);
    for (let i = 0; i < 3; i++) {
      await proxied.ask("10.0.0.2", { "X-Forwarded-For": "198.51.100.7, 10.0.0.2" });
    }
    expect((await proxied.ask("10.0.0.2", { "X-Forwarded-For": "198.51.100.7" })).status).toBe(429);
    // Behind the proxy, other citizens keep their own windows.
    expect((await proxied.ask("10.0.0.2", { "X-Forwarded-For": "198.51.100.8" })).status).toBe(200);
  });

  it("the service's defaults cover questions, chat turns and filings; TRUST_PROXY is checked", () => {
    expect(Object.keys(RATE_LIMITS).sort()).toEqual(["ask", "chat", "feedback"]);
    expect(loadConfig({ TRUST_PROXY: "10.0.0.2, ::1" }, { envFile: null }).trustedProxies).toEqual([
      "10.0.0.2",
      "::1",
    ]);
    expect(loadConfig({}, { envFile: null }).trustedProxies).toEqual([]);
    expect(() => loadConfig({ TRUST_PROXY: "proxy.local" }, { envFile: null })).toThrow(
      ConfigError,
    );
  });
});
