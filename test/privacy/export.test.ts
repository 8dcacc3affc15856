/**
 * `data export --case REF`: one citizen's data as JSON, unmasked, on both engines; after the
 * purge, the marker instead of the old data; an unknown or malformed reference is a clear error
 * and a non-zero exit (the CLI, on the SQLite file, run as a process). `data purge [--dry-run]`
 * prints counts per kind.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, UsageError } from "../../src/cli.ts";
import { createSqliteSql, type SqlDatabase } from "../../src/db/index.ts";
import {
  ANONYMISED_TEXT,
  COUNTERS,
  exportCase,
  InvalidCaseRefError,
  purgeExpired,
  UnknownCaseRefError,
} from "../../src/privacy/index.ts";
import { ENGINES } from "../helpers/engines.ts";
import { buildFixture, dump, OLD_CONTACT, OLD_TEXT } from "./helpers.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const opened: SqlDatabase[] = [];
afterEach(async () => {
  for (const sql of opened.splice(0)) await sql.close();
});

/** The fixture in a SQLite file, closed again: for the CLI. */
async function fixtureFile() {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "motcua-privacy-")), "motcua.sqlite");
  const sql = createSqliteSql({ file });
  try {
    const f = await buildFixture(sql);
    return { file, refs: f.refs, before: await dump(sql) };
  } finally {
    await sql.close();
  }
}

async function cli(...argv: string[]) {
  const out: string[] = [];
  const code = await runCli(argv, {
    out: (l) => out.push(l),
    err: () => {},
    stdin: new PassThrough(),
    env: { RETENTION_DAYS: "365" },
  });
  return { code, out };
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`data export on ${engine.name}`, () => {
    async function fixture() {
      const sql = await engine.open();
      opened.push(sql);
      return buildFixture(sql);
    }

    it("gives the case as stored, its history, notifications and the same user's other data", async () => {
      const { sql, clock, refs } = await fixture();
      const e = await exportCase(sql, refs.oldClosed.toLowerCase(), clock.now());
      expect(e.anonymised).toBe(false);
      expect(e.case).toMatchObject({
        ref: refs.oldClosed,
        text: OLD_TEXT, // nothing masked: it is the citizen's own
        contact: OLD_CONTACT,
        userId: "wOld",
        status: "closed",
      });
      expect(e.history.map((h) => [h.by, h.to])).toEqual([
        ["citizen", "received"],
        ["staff", "accepted"],
        ["staff", "answered"],
        ["citizen", "closed"],
      ]);
      expect(JSON.stringify(e)).not.toContain("staff:lan"); // staff names are not the citizen's
      expect(e.notifications).toHaveLength(3);
      expect(e.notifications[1]!.payload).toMatchObject({ status: "answered" });
      expect(e.inbox).toHaveLength(3);
      expect(e.sameUser).toMatchObject({
        otherCases: [],
        ratings: [{ rating: "down", procedureCode: "1.001193" }],
        answers: [{ procedureCode: "1.001193", aspect: "documents" }],
        conversation: { state: { last: { code: "1.001193" } } },
        tickets: [],
      });
      expect(e.sameUser!.ratings[0]!.comment).toContain("Gọi lại cho tôi");
      expect(e.legalBasis).toContain("13/2023/NĐ-CP");
    });

    it("gives a Telegram user's hand-over tickets with every message", async () => {
      const { sql, clock, store } = await fixture();
      const { ref } = await store.fileCase({
        channel: "telegram",
        userId: "1001",
        text: "Tôi là An, hồ sơ khai sinh chưa có kết quả sau hai tuần.",
        contact: null,
      });
      const e = await exportCase(sql, ref, clock.now());
      expect(e.sameUser!.tickets).toEqual([
        expect.objectContaining({
          status: "closed",
          summary: "Ông An hỏi về khai sinh",
          messages: [
            expect.objectContaining({ author: "citizen", text: "Tôi là An, 0912345678" }),
            expect.objectContaining({ author: "staff", text: "Chào anh An" }),
          ],
        }),
      ]);
    });

    it("after the purge shows the marker, not the old data", async () => {
      const { sql, clock, refs } = await fixture();
      await purgeExpired({ sql, now: clock.now, retentionDays: 365 });
      const e = await exportCase(sql, refs.oldClosed, clock.now());
      expect(e.anonymised).toBe(true);
      expect(e.case.text).toBe(ANONYMISED_TEXT);
      expect(e.case.contact).toBeNull();
      expect(e.case.status).toBe("closed");
      expect(e.history).toHaveLength(4);
      expect(e.sameUser).toBeNull();
      expect(e.sameUserNote).toMatch(/anonymised/);
      const text = JSON.stringify(e);
      for (const piece of ["001203004567", "0912345678", "an.nguyen@example.vn", "wOld"]) {
        expect(text).not.toContain(piece);
      }
    });

    it("refuses an unknown or malformed reference, Vietnamese first, then English", async () => {
      const { sql, clock } = await fixture();
      await expect(exportCase(sql, "PAKN-2024-000999", clock.now())).rejects.toThrow(
        UnknownCaseRefError,
      );
      await expect(exportCase(sql, "PAKN-2024-000999", clock.now())).rejects.toThrow(
        /^Không có phản ánh, kiến nghị nào mang mã PAKN-2024-000999 .* \/ No case PAKN-2024-000999/,
      );
      await expect(exportCase(sql, "12345", clock.now())).rejects.toThrow(InvalidCaseRefError);
      await expect(exportCase(sql, "12345", clock.now())).rejects.toThrow(
        /^Mã phản ánh, kiến nghị không đúng dạng: "12345".* \/ Invalid case reference "12345"/,
      );
    });
  });
}

describe("data export, the command", () => {
  it("prints the JSON; after `data purge`, the marker", async () => {
    const { file, refs } = await fixtureFile();
    const before = await cli("data", "export", "--case", refs.oldClosed, "--db", file);
    expect(before.code).toBe(0);
    expect(JSON.parse(before.out.join("\n"))).toMatchObject({ case: { text: OLD_TEXT } });
    expect((await cli("data", "purge", "--db", file)).code).toBe(0);
    const after = await cli("data", "export", "--case", refs.oldClosed, "--db", file);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.out.join("\n"))).toMatchObject({
      anonymised: true,
      case: { text: ANONYMISED_TEXT, contact: null },
    });
  });

  it(
    "exits non-zero with the message on stderr and nothing on stdout (the CLI as a process)",
    { timeout: 30_000 },
    async () => {
      const { file } = await fixtureFile();
      const unknown = spawnSync(
        process.execPath,
        [
          "--import",
          "tsx",
          "src/cli.ts",
          "data",
          "export",
          "--case",
          "PAKN-2024-000999",
          "--db",
          file,
        ],
        { cwd: ROOT, encoding: "utf8", env: { ...process.env, RETENTION_DAYS: "365" } },
      );
      expect(unknown.status).toBe(1);
      expect(unknown.stdout).toBe("");
      expect(unknown.stderr).toMatch(/^Không có phản ánh.*\/ No case PAKN-2024-000999/);
    },
  );

  it("a malformed reference is an error (exit 1), a missing --case a usage error (exit 2)", async () => {
    const { file } = await fixtureFile();
    await expect(cli("data", "export", "--case", "abc", "--db", file)).rejects.toThrow(
      InvalidCaseRefError,
    );
    await expect(cli("data", "export", "--db", file)).rejects.toThrow(UsageError);
    await expect(cli("data", "export", "--db", file)).rejects.toThrow(
      /^data export cần --case.*needs --case/,
    );
  });
});

describe("data purge", () => {
  it("--dry-run prints the counts per kind and changes nothing; then the run prints the same", async () => {
    const { file, before } = await fixtureFile();
    const dry = await cli("data", "purge", "--dry-run", "--db", file);
    expect(dry.code).toBe(0);
    expect(dry.out[0]).toMatch(
      /^dry run: would anonymise data older than 365 days \(before \d{4}-/,
    );
    expect(dry.out.slice(1).map((l) => l.trim().split(/\s+/)[0])).toEqual([...COUNTERS]);
    const reopened = createSqliteSql({ file });
    opened.push(reopened);
    expect(await dump(reopened)).toEqual(before);

    const real = await cli("data", "purge", "--db", file);
    expect(real.out[0]).toMatch(/^anonymised data older than 365 days/);
    expect(real.out.slice(1)).toEqual(dry.out.slice(1));
    expect(real.out.find((l) => l.trim().startsWith("cases "))).toMatch(/cases\s+[1-9]/);
  });

  it("refuses an unknown subcommand with the usage", async () => {
    await expect(cli("data", "wipe")).rejects.toThrow(/data: unknown subcommand wipe/);
  });
});
