// The officials' desk over the PAKN store, on both engines: scopes, filters and counts, one case,
// scoped changes, and the dashboard's figures against the quarterly report.
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import type { SqlDatabase } from "../../src/db/index.ts";
import {
  CaseNotFoundError,
  createDesk,
  createScopeResolver,
  createStaffAuth,
  FeedbackInputError,
  median,
  newStaffToken,
  parseDateRange,
  parseQuarter,
  quarterlyReport,
  runFeedbackCommand,
  VersionConflictError,
  type DeskQuery,
  type FeedbackStore,
} from "../../src/feedback/index.ts";
import { ENGINES, type TestEngine } from "../helpers/engines.ts";
import { PROCEDURES, TEXT, calendar, clock, storeOn } from "./helpers.ts";

export const AGENCIES = [
  { code: "STP", name: "Sở Tư pháp" },
  { code: "X-UBND", name: "UBND cấp xã" },
  { code: "SXD", name: "Sở Xây dựng" },
];

const open: SqlDatabase[] = [];
afterEach(async () => {
  for (const sql of open.splice(0)) await sql.close();
});

async function setup(engine: TestEngine, at = "2026-03-02T02:00:00Z") {
  const sql = await engine.open();
  open.push(sql);
  const c = clock(at);
  const store = storeOn(sql, c);
  const scopes = createScopeResolver({ directory: AGENCIES, agencies: store.agencies });
  const desk = createDesk({ store, now: c.now, calendar, scopes, procedures: PROCEDURES });
  return { sql, store, scopes, desk, clock: c };
}

const file = (store: FeedbackStore, agency: string | null, text = TEXT) =>
  store.fileCase({ channel: "web", userId: "u1", text, ...(agency ? { agency } : {}) });

/** The error `promise` rejects with, checked to be a `type`. */
async function rejection(promise: Promise<unknown>, type: new (...a: never[]) => Error) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return err;
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`the desk on ${engine.name}`, () => {
    describe("staff scopes", () => {
      it("an agency code or name covers the cases of that agency, case-insensitively", async () => {
        const { store, scopes } = await setup(engine);
        await file(store, "Sở Tư pháp");
        await file(store, "sở tư PHÁP");
        await file(store, "UBND cấp xã");
        await file(store, null);
        const stp = scopes.resolve("STP");
        expect(stp).toMatchObject({ all: false, agencyName: "Sở Tư pháp", agencyCode: "STP" });
        expect(stp.covers("Sở Tư pháp")).toBe(true);
        expect(stp.covers(" SỞ TƯ PHÁP ")).toBe(true);
        expect(stp.covers("STP")).toBe(true);
        expect(stp.covers("UBND cấp xã")).toBe(false);
        expect(stp.covers(null)).toBe(false);
        expect((await stp.agencyValues())!.sort()).toEqual(["Sở Tư pháp", "sở tư PHÁP"]);
        expect(await scopes.resolve("Sở tư pháp").agencyValues()).toHaveLength(2);
        const all = scopes.resolve("*");
        expect(all.all && all.covers(null) && (await all.agencyValues()) === null).toBe(true);
        expect(scopes.resolve(undefined).all).toBe(true);
        expect(await scopes.knownAgencies()).toEqual([
          "Sở Tư pháp",
          "UBND cấp xã",
          "Sở Xây dựng",
          // "sở tư PHÁP" folds to a directory name: not listed twice
        ]);
      });
    });

    describe("the desk list", () => {
      async function seeded() {
        const s = await setup(engine, "2026-02-02T02:00:00Z"); // Monday 2/2: due 23/2 (Tết)
        const a = await file(
          s.store,
          "Sở Tư pháp",
          "Chậm cấp bản sao trích lục khai sinh cho con tôi.",
        );
        s.clock.set("2026-02-27T02:00:00Z"); // due 19/3 (20 days → Thu 19/3)
        const b = await file(
          s.store,
          "UBND cấp xã",
          "Cán bộ đòi thêm giấy xác nhận cư trú không có trong quy định.",
        );
        const c = await file(s.store, null, "Đề nghị niêm yết công khai lệ phí đăng ký hộ tịch.");
        s.clock.set("2026-03-16T02:00:00Z"); // Monday 16/3: a is overdue, b due Thursday 19/3
        return { ...s, a, b, c };
      }

      it("filters by overdue, due within N working days, unassigned, agency, text and 7-day update", async () => {
        const { desk, scopes, a, b, c } = await seeded();
        const all = scopes.resolve("*");
        const refs = async (q: DeskQuery, scope = all) =>
          (await desk.list(q, scope)).items.map((i) => i.ref);
        expect(await refs({})).toEqual([a.ref, b.ref, c.ref]);
        expect(await refs({ overdue: true })).toEqual([a.ref]);
        expect(await refs({ dueWithinWorkingDays: 3 })).toEqual([b.ref, c.ref]); // 19/3 ≤ Thu 19/3
        expect(await refs({ dueWithinWorkingDays: 2 })).toEqual([]);
        expect(await refs({ unassigned: true })).toEqual([c.ref]);
        expect(await refs({ agency: "x-ubnd" })).toEqual([b.ref]);
        expect(await refs({ search: "giay xac nhan cu tru" })).toEqual([b.ref]); // no accents typed
        expect(await refs({ search: "ĐỀ NGHỊ" })).toEqual([c.ref]);
        expect(await refs({ search: a.ref.toLowerCase() })).toEqual([a.ref]);
        expect(await refs({ search: "100%" })).toEqual([]);
        // a: due 23/2, its first 7-day update owed from 2/3; nobody has given one.
        expect(await refs({ progressDue: true })).toEqual([a.ref]);
        const list = await desk.list({}, all);
        expect(list.items.map((i) => [i.overdue, i.dueSoon, i.workingDaysLeft])).toEqual([
          [true, false, -15],
          [false, true, 3],
          [false, true, 3],
        ]);
        expect(list.counts).toMatchObject({
          all: 3,
          open: 3,
          overdue: 1,
          dueSoon: 2,
          unassigned: 1,
        });
        expect(list.counts.byStatus).toMatchObject({ received: 3, accepted: 0 });
        expect(list.matching).toBe(3);
        expect((await desk.list({ overdue: true }, all)).matching).toBe(1);
        await rejection(desk.list({ dueWithinWorkingDays: 61 }, all), FeedbackInputError);
      });

      it("an official sees only the agency's cases, and their counts", async () => {
        const { desk, scopes, b } = await seeded();
        const xa = scopes.resolve("X-UBND");
        const list = await desk.list({}, xa);
        expect(list.items.map((i) => i.ref)).toEqual([b.ref]);
        expect(list.counts).toMatchObject({ all: 1, overdue: 0, dueSoon: 1, unassigned: 0 });
        expect((await desk.list({ unassigned: true }, xa)).items).toEqual([]);
        expect((await desk.list({ agency: "Sở Tư pháp" }, xa)).items).toEqual([]);
        const none = scopes.resolve("SXD");
        expect(await desk.list({}, none)).toMatchObject({ items: [], matching: 0 });
        expect((await desk.list({}, none)).counts.all).toBe(0);
      });

      it("one case: allowed next steps, procedure, notifications; another agency's is not found", async () => {
        const { store, desk, scopes, a } = await seeded();
        const stp = scopes.resolve("STP");
        const view = await desk.view(a.ref, stp);
        expect(view.allowed).toEqual(["accepted", "rejected"]);
        expect(view.text).toContain("trích lục");
        expect(view.notifications).toEqual([]);
        await store.changeStatus(a.ref, {
          to: "accepted",
          actor: "staff:binh",
          expectedVersion: 1,
          scope: stp,
        });
        const after = await desk.view(a.ref, stp);
        expect(after.version).toBe(2);
        expect(after.notifications).toMatchObject([{ kind: "status", sentAt: null }]);
        expect(after.history.at(-1)).toMatchObject({ actor: "staff:binh", to: "accepted" });

        const xa = scopes.resolve("X-UBND");
        await rejection(desk.view(a.ref, xa), CaseNotFoundError);
        await rejection(store.staffView(a.ref, xa), CaseNotFoundError);
        for (const attempt of [
          () => store.changeStatus(a.ref, { to: "in_progress", actor: "staff:cuong", scope: xa }),
          () => store.addProgress(a.ref, { note: "x", actor: "staff:cuong", scope: xa }),
          () => store.assign(a.ref, { agency: "UBND cấp xã", actor: "staff:cuong", scope: xa }),
          // Not found comes before the version check: a stale version on a foreign case tells nothing.
          () =>
            store.changeStatus(a.ref, {
              to: "in_progress",
              actor: "staff:c",
              expectedVersion: 1,
              scope: xa,
            }),
        ]) {
          await rejection(attempt(), CaseNotFoundError);
        }
        expect((await store.staffView(a.ref)).version).toBe(2);
      });

      it("a stale version is refused and changes nothing", async () => {
        const { store, scopes, a } = await seeded();
        const all = scopes.resolve("*");
        await store.changeStatus(a.ref, {
          to: "accepted",
          actor: "staff:lan",
          expectedVersion: 1,
          scope: all,
        });
        await rejection(
          store.changeStatus(a.ref, {
            to: "rejected",
            reason: "x",
            actor: "staff:an",
            expectedVersion: 1,
          }),
          VersionConflictError,
        );
        expect(await store.staffView(a.ref)).toMatchObject({ status: "accepted", version: 2 });
      });

      it("an official may hand a case to another agency, and then no longer sees it", async () => {
        const { store, desk, scopes, b } = await seeded();
        const xa = scopes.resolve("X-UBND");
        await store.assign(b.ref, {
          agency: "Sở Xây dựng",
          actor: "staff:cuong",
          expectedVersion: 1,
          scope: xa,
        });
        await rejection(desk.view(b.ref, xa), CaseNotFoundError);
        expect((await desk.view(b.ref, scopes.resolve("SXD"))).agency).toBe("Sở Xây dựng");
      });
    });

    describe("the dashboard", () => {
      /** Q1 2026 over three agencies; handled on time and late, rejected, 7-day updates. */
      async function seeded() {
        const s = await setup(engine, "2026-01-05T03:00:00Z");
        const { store, clock: c } = s;
        const staff = "staff:lan";
        const onTime = (await file(store, "Sở Tư pháp")).ref; // due 26/1
        const late = (await file(store, "Sở Tư pháp")).ref;
        const overdue = (await file(store, "UBND cấp xã")).ref;
        const rejected = (await file(store, "UBND cấp xã")).ref;
        await file(store, null);
        c.set("2026-01-09T03:00:00Z");
        await store.changeStatus(onTime, { to: "accepted", actor: staff });
        await store.changeStatus(onTime, { to: "answered", actor: staff, note: "Đã trả lời" }); // 4 wd
        await store.changeStatus(rejected, {
          to: "rejected",
          actor: staff,
          reason: "Không thuộc thẩm quyền",
        });
        c.set("2026-01-28T03:00:00Z"); // past 26/1
        await store.changeStatus(late, { to: "accepted", actor: staff }); // an update while overdue
        // The sweep: 26/1 + 7 days = 2/2, owed by `overdue` and the unassigned case; `late` was
        // updated on 28/1, so its next one is owed on 4/2.
        c.set("2026-02-03T03:00:00Z");
        expect(await store.runProgressSweep()).toBe(2);
        await store.addProgress(late, { note: "Đang xác minh", actor: staff });
        c.set("2026-02-10T03:00:00Z");
        await store.changeStatus(late, { to: "answered", actor: staff, note: "Đã trả lời" });
        c.set("2026-03-10T03:00:00Z");
        const rate = (userId: string, rating: "up" | "down") =>
          store.ratings.rateAnswer({ channel: "web", userId, answerId: "a1", rating });
        await rate("u1", "up");
        await rate("u2", "down");
        await rate("u3", "up");
        c.set("2026-03-10T04:00:00Z");
        return { ...s, onTime, late, overdue, rejected };
      }

      it("has the report's rows and total, the same numbers as quarterlyReport", async () => {
        const { sql, store, scopes, clock: c } = await seeded();
        const d = await store.dashboard(parseQuarter("2026Q1"), scopes.resolve("*"));
        const report = await quarterlyReport(sql, "2026Q1", c.now());
        expect(d.report).toEqual(report);
        for (const m of [...d.agencies, d.total]) {
          const r = [...report.rows, report.total].find((x) => x.agency === m.agency)!;
          expect(m.received).toBe(r.received);
          expect(m.handledOnTime).toBe(r.handledOnTime);
          expect(m.handledLate).toBe(r.handledLate);
          expect(m.handled).toBe(r.handledOnTime + r.handledLate);
        }
      });

      it("adds on-time rate, median working days, overdue now, 7-day compliance and ratings", async () => {
        const { store, scopes } = await seeded();
        const d = await store.dashboard(parseQuarter("2026Q1"), scopes.resolve("*"));
        const stp = d.agencies.find((a) => a.agency === "Sở Tư pháp")!;
        expect(stp).toMatchObject({
          received: 2,
          handled: 2,
          onTimeRate: 50,
          // 5/1 → 9/1 is 4 working days; 5/1 → 10/2 is 27 (Saturday 10/1 was worked): median 15.5
          medianWorkingDaysToHandle: 15.5,
          // due 26/1, answered 10/2: 11 working days late
          medianWorkingDaysLate: 11,
          overdueNow: 0,
          progressUpdates: 2, // accepted on 28/1 and the note on 3/2, both past due
          progressMissed: 0,
          progressCompliance: 100,
        });
        const xa = d.agencies.find((a) => a.agency === "UBND cấp xã")!;
        expect(xa).toMatchObject({ handled: 1, onTimeRate: 100, overdueNow: 1, progressMissed: 1 });
        expect(xa.progressCompliance).toBe(0);
        expect(d.total).toMatchObject({
          received: 5,
          handled: 3,
          overdueNow: 2,
          progressUpdates: 2,
          progressMissed: 2,
          progressCompliance: 50,
        });
        expect(d.ratings).toEqual({ up: 2, down: 1, upShare: 66.7 });
      });

      it("within a scope: only that agency's rows, no province-wide ratings", async () => {
        const { sql, store, scopes, clock: c } = await seeded();
        const d = await store.dashboard(parseQuarter("2026Q1"), scopes.resolve("X-UBND"));
        const report = await quarterlyReport(sql, "2026Q1", c.now());
        expect(d.report.rows).toEqual(report.rows.filter((r) => r.agency === "UBND cấp xã"));
        expect(d.report.total).toMatchObject({ received: 2, handledOnTime: 1, pendingOverdue: 1 });
        expect(d.agencies.map((a) => a.agency)).toEqual(["UBND cấp xã"]);
        expect(d.ratings).toBeNull();
      });

      it("takes a date range too", async () => {
        const { store, scopes } = await seeded();
        const d = await store.dashboard(
          parseDateRange("2026-01-01", "2026-01-31"),
          scopes.resolve("*"),
        );
        expect(d.period).toMatchObject({
          label: "2026-01-01…2026-01-31",
          to: "2026-01-31T17:00:00.000Z",
        });
        expect(d.total).toMatchObject({ received: 5, handled: 2 });
        expect(() => parseDateRange("2026-02-01", "2026-01-31")).toThrow(FeedbackInputError);
        expect(() => parseDateRange("2026-2-1", "2026-03-01")).toThrow(FeedbackInputError);
      });
    });
  });
}

describe("median", () => {
  it("of none, an odd and an even count", () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe("staff token scopes", () => {
  const sha = (t: string) => createHash("sha256").update(t).digest("hex");
  const noFile = { envFile: null, cwd: "/srv/motcua" };

  it("STAFF_TOKEN_HASHES takes an optional :AGENCY; without one the token sees every case", () => {
    const config = loadConfig(
      {
        STAFF_TOKEN_HASHES: `lan:${sha("a")}, binh:${sha("b").toUpperCase()}:stp, an:${sha("c")}:*`,
      },
      noFile,
    );
    expect(config.staffTokens).toEqual([
      { name: "lan", sha256: sha("a") },
      { name: "binh", sha256: sha("b"), scope: "STP" },
      { name: "an", sha256: sha("c") },
    ]);
    for (const bad of [`x:${sha("a")}:Sở Tư pháp`, `x:${sha("a")}:`, `x:${sha("a")}:STP:more`]) {
      expect(() => loadConfig({ STAFF_TOKEN_HASHES: bad }, noFile)).toThrow(ConfigError);
    }
    const auth = createStaffAuth(config.staffTokens!);
    expect(auth.identify("b")).toEqual({ name: "binh", scope: "STP" });
    expect(auth.identify("a")).toEqual({ name: "lan", scope: "*" });
    expect(auth.verify("b")).toBe("binh");
    expect(auth.scopeOf("binh")).toBe("STP");
    expect(auth.scopeOf("nobody")).toBeNull();
  });

  it("feedback staff-token NAME --agency CODE prints a scoped entry", async () => {
    const out: string[] = [];
    const deps = {
      database: () => ({ databaseFile: ":memory:" }),
      now: () => new Date(),
      out: (l: string) => out.push(l),
    };
    expect(await runFeedbackCommand(["staff-token", "binh", "--agency", "stp"], deps)).toBe(0);
    const entry = out[1]!.split(": ")[1]!;
    expect(entry).toMatch(/^binh:[0-9a-f]{64}:STP$/);
    const token = out[0]!.split(": ")[1]!;
    expect(loadConfig({ STAFF_TOKEN_HASHES: entry }, noFile).staffTokens).toEqual([
      { name: "binh", sha256: sha(token), scope: "STP" },
    ]);
    expect(out[2]).toContain("only the cases of STP");
    await expect(
      runFeedbackCommand(["staff-token", "binh", "--agency", "Sở Tư pháp"], deps),
    ).rejects.toThrow(/agency code/);
    expect(newStaffToken("x", "*").entry).toMatch(/^x:[0-9a-f]{64}$/);
  });
});
