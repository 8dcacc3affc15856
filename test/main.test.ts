/**
 * The composition root: building the service starts nothing (no interval, no listening socket);
 * start() serves; stop() stops what started, then closes the database, and is safe to repeat.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";

import { loadConfig } from "../src/config.ts";
import { createService } from "../src/main.ts";
import { memoryLogger } from "./web/helpers.ts";

const dir = mkdtempSync(path.join(tmpdir(), "motcua-main-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const resources = (kind: string) =>
  process.getActiveResourcesInfo().filter((r) => r === kind).length;

describe("createService", () => {
  it(
    "builds without starting anything; start serves; stop closes everything",
    { timeout: 60_000 },
    async () => {
      const config = loadConfig(
        { MOTCUA_DATA_DIR: dir, PORT: "0", LOCAL_EMBEDDINGS: "off" },
        { envFile: null },
      );
      const logs = memoryLogger();
      const servers = resources("TCPServerWrap");
      const intervals = vi.spyOn(globalThis, "setInterval");
      const service = await createService(config, logs.logger);
      expect(intervals).not.toHaveBeenCalled();
      expect(resources("TCPServerWrap")).toBe(servers);

      const { url } = await service.start();
      expect(intervals).toHaveBeenCalled(); // the PAKN jobs
      intervals.mockRestore();
      const health = await fetch(new URL("healthz", url));
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, retrieval: "lexical" });

      await service.stop();
      await service.stop();
      await expect(fetch(new URL("healthz", url))).rejects.toThrow();
      expect(logs.text()).toContain("motcua stopped");
    },
  );
});
