import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createServer } from "../../src/web/server.ts";
import { fakeAsk, memoryLogger } from "./helpers.ts";

let server: ReturnType<typeof createServer> | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

async function listen(): Promise<number> {
  server = createServer({
    ask: fakeAsk,
    logger: memoryLogger().logger,
    timeouts: { headersMs: 300, requestMs: 600, checkEveryMs: 50 },
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return (server!.address() as AddressInfo).port;
}

/** Opens a socket, writes `text`, and resolves with what came back once the server closes it. */
function trickle(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(text));
    let got = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (got += chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(got));
  });
}

describe("slow sockets", () => {
  it("a request whose headers never end gets 408 and its socket closed after headersTimeout", async () => {
    const port = await listen();
    // Without a short connectionsCheckingInterval node checks every 30 s: this would time out.
    const answer = await trickle(port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1");
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  }, 5_000);

  it("a body that never ends is cut at requestTimeout, and the server keeps answering", async () => {
    const port = await listen();
    const answer = await trickle(
      port,
      "POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
        'Content-Length: 100\r\n\r\n{"question":',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
  }, 5_000);
});
