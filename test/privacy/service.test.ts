/**
 * The service runs the retention purge: once when it starts, then every 24 h on an interval that
 * stop() clears; the log carries the counts, never the data.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createSqliteSql } from "../../src/db/index.ts";
import { createService } from "../../src/main.ts";
import { ANONYMISED_TEXT } from "../../src/privacy/index.ts";
import { memoryLogger } from "../web/helpers.ts";
import { buildFixture, caseRow, OLD_TEXT } from "./helpers.ts";

describe("the service's retention purge", () => {
  it(
    "anonymises at start, every day after, and stops with the service",
    { timeout: 60_000 },
    async () => {
      // Written in 2024-2025: with the real clock of the service, the old cases are past 365 days.
      const dataDir = mkdtempSync(path.join(tmpdir(), "motcua-privacy-"));
      const file = path.join(dataDir, "motcua.sqlite");
      const written = createSqliteSql({ file });
      const { refs } = await buildFixture(written);
      await written.close();
      const config = loadConfig(
        {
          MOTCUA_DATA_DIR: dataDir,
          PORT: "0",
          LOCAL_EMBEDDINGS: "off",
          RETENTION_DAYS: "365",
        },
        { envFile: null },
      );
      expect(config.databaseFile).toBe(file);
      const logs = memoryLogger();
      const intervals = vi.spyOn(globalThis, "setInterval");
      const clears = vi.spyOn(globalThis, "clearInterval");
      const service = await createService(config, logs.logger);
      try {
        await service.start();
        const daily = intervals.mock.calls.findIndex(([, ms]) => ms === 24 * 3600_000);
        expect(daily).toBeGreaterThanOrEqual(0);
        const handle = intervals.mock.results[daily]!.value as NodeJS.Timeout;

        const line = await vi.waitFor(() => {
          const found = logs.lines().find((l) => l.msg === "retention purge");
          expect(found).toBeDefined();
          return found;
        });
        expect((line!.counts as Record<string, number>).cases).toBeGreaterThanOrEqual(2);
        expect(line!.retentionDays).toBe(365);
        expect(logs.text()).not.toContain(OLD_TEXT.slice(0, 20));

        await service.stop();
        expect(clears).toHaveBeenCalledWith(handle);
      } finally {
        intervals.mockRestore();
        clears.mockRestore();
        await service.stop();
      }
      const sql = createSqliteSql({ file });
      try {
        expect((await caseRow(sql, refs.oldClosed)).text).toBe(ANONYMISED_TEXT);
      } finally {
        await sql.close();
      }
    },
  );
});
