/**
 * `data export --case REF`: one citizen's data as JSON, unmasked; after the purge, the marker
 * instead of the old data; an unknown or malformed reference is a clear error and a non-zero exit
 * (the CLI run as a process). `data purge [--dry-run]` prints counts per kind.
 */
import { spawnSync } from "node:child_process";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, UsageError } from "../../src/cli.ts";
import type { Database } from "../../src/db/index.ts";
import {
  ANONYMISED_TEXT,
  COUNTERS,
  exportCase,
  InvalidCaseRefError,
  purgeExpired,
  UnknownCaseRefError,
  type CaseExport,
} from "../../src/privacy/index.ts";
import { buildFixture, dump, OLD_CONTACT, OLD_TEXT } from "./helpers.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

async function fixture() {
  const f = await buildFixture();
  open.push(f.db);
  return f;
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

describe("data export", () => {
  it("gives the case as stored, its history, notifications and the same user's other data", async () => {
    const { db, clock, refs } = await fixture();
    const e = exportCase(db, refs.oldClosed.toLowerCase(), clock.now());
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
    });
    expect(e.sameUser!.ratings[0]!.comment).toContain("Gọi lại cho tôi");
    expect(e.legalBasis).toContain("13/2023/NĐ-CP");
  });

  it("after the purge shows the marker, not the old data", async () => {
    const { db, clock, refs, file } = await fixture();
    purgeExpired({ db, now: clock.now, retentionDays: 365 });
    db.close();
    const { code, out } = await cli("data", "export", "--case", refs.oldClosed, "--db", file);
    expect(code).toBe(0);
    const e = JSON.parse(out.join("\n")) as CaseExport;
    expect(e.anonymised).toBe(true);
    expect(e.case.text).toBe(ANONYMISED_TEXT);
    expect(e.case.contact).toBeNull();
    expect(e.case.status).toBe("closed");
    expect(e.history).toHaveLength(4);
    expect(e.sameUser).toBeNull();
    expect(e.sameUserNote).toMatch(/anonymised/);
    const text = out.join("\n");
    for (const piece of ["001203004567", "0912345678", "an.nguyen@example.vn", "wOld"]) {
      expect(text).not.toContain(piece);
    }
  });

  it("refuses an unknown or malformed reference, Vietnamese first, then English", async () => {
    const { db, clock } = await fixture();
    expect(() => exportCase(db, "PAKN-2024-000999", clock.now())).toThrow(UnknownCaseRefError);
    expect(() => exportCase(db, "PAKN-2024-000999", clock.now())).toThrow(
      /^Không có phản ánh, kiến nghị nào mang mã PAKN-2024-000999 .* \/ No case PAKN-2024-000999/,
    );
    expect(() => exportCase(db, "12345", clock.now())).toThrow(InvalidCaseRefError);
    expect(() => exportCase(db, "12345", clock.now())).toThrow(
      /^Mã phản ánh, kiến nghị không đúng dạng: "12345".* \/ Invalid case reference "12345"/,
    );
  });

  it(
    "exits non-zero with the message on stderr and nothing on stdout (the CLI as a process)",
    { timeout: 30_000 },
    async () => {
      const { file } = await fixture();
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
    const { file } = await fixture();
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
    const { db, file } = await fixture();
    const before = dump(db);
    db.close();
    const dry = await cli("data", "purge", "--dry-run", "--db", file);
    expect(dry.code).toBe(0);
    expect(dry.out[0]).toMatch(
      /^dry run: would anonymise data older than 365 days \(before \d{4}-/,
    );
    expect(dry.out.slice(1).map((l) => l.trim().split(/\s+/)[0])).toEqual([...COUNTERS]);
    const reopened = (await import("../../src/db/index.ts")).openDatabase(file);
    open.push(reopened);
    expect(dump(reopened)).toEqual(before);
    reopened.close();

    const real = await cli("data", "purge", "--db", file);
    expect(real.out[0]).toMatch(/^anonymised data older than 365 days/);
    expect(real.out.slice(1)).toEqual(dry.out.slice(1));
    expect(real.out.find((l) => l.trim().startsWith("cases "))).toMatch(/cases\s+[1-9]/);
  });

  it("refuses an unknown subcommand with the usage", async () => {
    await expect(cli("data", "wipe")).rejects.toThrow(/data: unknown subcommand wipe/);
  });
});
