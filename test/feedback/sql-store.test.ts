/**
 * The PAKN store on SqlDatabase (src/feedback/sql-store.ts), run on both engines: SQLite files
 * and a real PostgreSQL server (test/helpers/engines.ts). Filing and its checks, the views, the
 * lifecycle, 7-day progress notices, the staff list, report scopes, ratings, and what several
 * instances on one database must keep: unique, gap-free references per year, one case per filed
 * draft, one winner between two officers, one progress notice per period.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  createSqliteSql,
  MIGRATIONS,
  PG_MIGRATIONS,
  type SqlDatabase,
} from "../../src/db/index.ts";
import {
  CaseNotFoundError,
  CaseNotOpenError,
  FeedbackInputError,
  InvalidTransitionError,
  MAX_TEXT_CHARS,
  SYSTEM_PROGRESS_NOTE,
  UnknownProcedureError,
  VersionConflictError,
  createScopeResolver,
  createSqlOutboxDispatcher,
  parseQuarter,
  reportWithin,
  type FeedbackStore,
  type OutboxMessage,
} from "../../src/feedback/index.ts";
import { ENGINES, type TestEngine } from "../helpers/engines.ts";
import { TEXT, clock, storeOn, tempDbFile, type Clock } from "./helpers.ts";

const staff = "staff:lan";

const opened: SqlDatabase[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

/** A caller's own table beside the feedback tables: conversation drafts, filed at most once. */
const DRAFTS = `CREATE TABLE drafts (id TEXT PRIMARY KEY, filed_ref TEXT)`;

async function instances(engine: TestEngine, n: number, withDrafts = false) {
  const base = engine.name === "postgres" ? PG_MIGRATIONS : MIGRATIONS;
  const target = await engine.target(withDrafts ? { migrations: [...base, DRAFTS] } : {});
  const dbs: SqlDatabase[] = [];
  for (let i = 0; i < n; i++) dbs.push(await target.open());
  opened.push(...dbs);
  return dbs;
}

async function setup(engine: TestEngine, at = "2026-03-02T02:00:00Z") {
  const [sql] = await instances(engine, 1);
  const c = clock(at); // Monday 09:00 in Hà Nội
  return { sql: sql!, store: storeOn(sql!, c), clock: c };
}

/** Q4 2025 – Q1 2026 for two agencies: on time, late, rejected, pending, overdue, progress, ratings. */
async function seedQuarter(q: FeedbackStore, c: Clock): Promise<void> {
  const file = async (agency: string | null) =>
    (await q.fileCase({ channel: "web", userId: "u", text: TEXT, ...(agency ? { agency } : {}) }))
      .ref;
  c.set("2025-12-20T03:00:00Z");
  const carried = await file("Sở Tư pháp");
  c.set("2026-01-05T03:00:00Z");
  const onTime = await file("Sở Tư pháp");
  const late = await file("UBND phường Ba Đình");
  const rejected = await file("UBND phường Ba Đình");
  const open = await file("UBND phường Ba Đình");
  c.set("2026-03-20T03:00:00Z");
  await file(null);
  await file("Sở Tư pháp");
  c.set("2026-01-10T03:00:00Z");
  await q.changeStatus(onTime, { to: "accepted", actor: staff });
  await q.changeStatus(onTime, { to: "answered", actor: staff, note: "ok" });
  await q.changeStatus(rejected, { to: "rejected", actor: staff, reason: "Không thuộc" });
  c.set("2026-02-10T03:00:00Z");
  await q.changeStatus(late, { to: "accepted", actor: staff });
  await q.addProgress(late, { actor: staff, note: "Đang xử lý" });
  await q.changeStatus(late, { to: "answered", actor: staff, note: "ok" });
  await q.changeStatus(carried, { to: "accepted", actor: staff });
  await q.changeStatus(carried, { to: "answered", actor: staff, note: "ok" });
  await q.addProgress(open, { actor: staff, note: "Đang xác minh" });
  await q.ratings.rateAnswer({ channel: "web", userId: "u", answerId: "a1", rating: "up" });
  await q.ratings.rateAnswer({ channel: "web", userId: "u", answerId: "a2", rating: "down" });
  c.set("2026-06-01T00:00:00Z");
}

const count = async (sql: SqlDatabase, table: string) =>
  Number((await sql.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n);

async function rejection<E extends Error>(
  promise: Promise<unknown>,
  type: new (...a: never[]) => E,
): Promise<E> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return err as E;
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`PAKN store on ${engine.name}`, () => {
    describe("filing", () => {
      it("sequential references, due date, token kept only as its hash, masked copy", async () => {
        const { sql, store } = await setup(engine);
        const a = await store.fileCase({
          channel: "telegram",
          userId: "tg-42",
          text: `${TEXT} Gọi tôi: 0912 345 678.\u0007`,
        });
        const b = await store.fileCase({
          channel: "zalo",
          userId: "z-7",
          text: TEXT,
          kind: "proposal",
        });
        expect(a).toMatchObject({
          ref: "PAKN-2026-000001",
          status: "received",
          kind: "complaint",
          receivedAt: "2026-03-02T02:00:00.000Z",
          dueDate: "2026-03-23",
          dueAt: "2026-03-23T16:59:59.999Z",
        });
        expect(b).toMatchObject({ ref: "PAKN-2026-000002", kind: "proposal" });
        expect(a.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
        const row = await sql.get<{ token_hash: string; text: string; text_masked: string }>(
          "SELECT token_hash, text, text_masked FROM feedback_cases WHERE ref = ?",
          [a.ref],
        );
        expect(row!.token_hash).toBe(createHash("sha256").update(a.token).digest("hex"));
        expect(row!.text).toContain("0912 345 678");
        expect(row!.text).not.toContain("\u0007");
        expect(row!.text_masked).not.toContain("0912");
        const view = await store.staffView(a.ref);
        expect(view.history).toEqual([
          {
            at: "2026-03-02T02:00:00.000Z",
            action: "filed",
            from: null,
            to: "received",
            actor: "citizen",
            note: null,
          },
        ]);
      });

      it("numbers by the Vietnamese year: 00:30 on 1/1/2027 in Hà Nội is 2027", async () => {
        const { store, clock: c } = await setup(engine, "2026-12-31T16:00:00Z");
        expect((await store.fileCase({ channel: "web", userId: "u1", text: TEXT })).ref).toBe(
          "PAKN-2026-000001",
        );
        c.set("2026-12-31T17:30:00Z");
        expect((await store.fileCase({ channel: "web", userId: "u1", text: TEXT })).ref).toBe(
          "PAKN-2027-000001",
        );
      });

      it("refuses bad input with the named error and stores nothing", async () => {
        const { sql, store } = await setup(engine);
        expect(
          (
            await rejection(
              store.fileCase({ channel: "web", userId: "u", text: "  tệ " }),
              FeedbackInputError,
            )
          ).code,
        ).toBe("text_too_short");
        expect(
          (
            await rejection(
              store.fileCase({ channel: "Web Chat", userId: "u", text: TEXT }),
              FeedbackInputError,
            )
          ).field,
        ).toBe("channel");
        await rejection(
          store.fileCase({ channel: "web", userId: "u", text: TEXT, procedureCode: "9.999999" }),
          UnknownProcedureError,
        );
        expect(await count(sql, "feedback_cases")).toBe(0);
        const routed = await store.fileCase({
          channel: "web",
          userId: "u",
          text: TEXT,
          procedureCode: "1.001193",
          agency: "Công an phường",
        });
        expect(routed).toMatchObject({ ref: "PAKN-2026-000001", agency: "UBND cấp xã" });
        expect(await store.agencies()).toEqual(["UBND cấp xã"]);
      });

      it("a filing rolled back gives its number back: no gap", async () => {
        const { sql, store } = await setup(engine);
        await store.fileCase({ channel: "web", userId: "u", text: TEXT });
        await expect(
          sql.transaction(async (tx) => {
            await store.fileCase({ channel: "web", userId: "u", text: TEXT }, tx);
            throw new Error("the caller's own write failed");
          }),
        ).rejects.toThrow(/caller/);
        expect(await count(sql, "feedback_cases")).toBe(1);
        const next = await store.fileCase({ channel: "web", userId: "u", text: TEXT });
        expect(next.ref).toBe("PAKN-2026-000002");
      });
    });

    describe("filing checks", () => {
      it.runIf(engine.name === "sqlite")("the citizen's token is nowhere in the file", async () => {
        const file = tempDbFile();
        const sql = createSqliteSql({ file });
        opened.push(sql);
        const { token } = await storeOn(sql, clock("2026-03-02T02:00:00Z")).fileCase({
          channel: "web",
          userId: "u1",
          text: TEXT,
        });
        await sql.all("PRAGMA wal_checkpoint(TRUNCATE)");
        expect(readFileSync(file).includes(Buffer.from(token))).toBe(false);
      });

      it("text too long or too short, invisible characters: the limit named, nothing stored", async () => {
        const { sql, store } = await setup(engine);
        const long = await rejection(
          store.fileCase({ channel: "web", userId: "u", text: "ạ".repeat(MAX_TEXT_CHARS + 1) }),
          FeedbackInputError,
        );
        expect(long).toMatchObject({ code: "text_too_long", field: "text" });
        expect(long.message).toContain(String(MAX_TEXT_CHARS));
        // Exactly the limit in code points (Vietnamese combining marks are normalized first).
        await store.fileCase({ channel: "web", userId: "u", text: "ạ".repeat(MAX_TEXT_CHARS) });
        const code = async (text: string) =>
          (
            await rejection(
              store.fileCase({ channel: "web", userId: "u", text }),
              FeedbackInputError,
            )
          ).code;
        // Invisible characters are not text: zero-width spaces, stray combining marks.
        expect(await code("\u200b".repeat(30))).toBe("text_empty");
        expect(await code(`tệ${"\u0301".repeat(20)} \u200d`)).toBe("text_too_short");
        expect(
          (
            await rejection(
              store.fileCase({ channel: "web", userId: "a b", text: TEXT }),
              FeedbackInputError,
            )
          ).field,
        ).toBe("userId");
        expect(await count(sql, "feedback_cases")).toBe(1);
      });

      it("the procedure code is checked and routes; else the citizen's agency; lists mask", async () => {
        const { store } = await setup(engine);
        expect(
          (
            await rejection(
              store.fileCase({ channel: "web", userId: "u", text: TEXT, procedureCode: "1001193" }),
              FeedbackInputError,
            )
          ).code,
        ).toBe("invalid_procedure_code");
        const named = await store.fileCase({
          channel: "web",
          userId: "u",
          text: `${TEXT} Gọi tôi: 0912 345 678.`,
          agency: "Công an phường",
        });
        expect(named.agency).toBe("Công an phường");
        expect((await store.staffView(named.ref)).routedBy).toBe("citizen");
        const none = await store.fileCase({
          channel: "web",
          userId: "u",
          text: TEXT,
          procedureCode: "2.002123",
        });
        expect(none.agency).toBeNull();
        expect((await store.list({ unassigned: true })).items.map((c) => c.ref)).toEqual([
          none.ref,
        ]);
        expect((await store.list({})).items[0]!.preview).toContain("[phone]");
      });

      it("a result recorded more than 2 working days after its date is flagged; closed is final", async () => {
        const { store, clock: c } = await setup(engine);
        const { ref } = await store.fileCase({ channel: "web", userId: "u", text: TEXT });
        await store.changeStatus(ref, { to: "accepted", actor: staff });
        c.set("2026-03-12T03:00:00Z"); // Thursday
        const late = await store.changeStatus(ref, {
          to: "answered",
          actor: staff,
          note: "Kết quả",
          resultDate: "2026-03-09", // Monday: to be recorded by Wednesday 11/3
        });
        expect(late.resultRecordedLate).toBe(true);
        await store.changeStatus(ref, { to: "closed", actor: staff });
        const err = await rejection(
          store.changeStatus(ref, { to: "received", actor: staff }),
          InvalidTransitionError,
        );
        expect(err).toMatchObject({ from: "closed", to: "received", allowed: [] });
      });
    });

    describe("views", () => {
      it("the token holder and the filer see the case; anyone else gets not found", async () => {
        const { store } = await setup(engine);
        const mine = await store.fileCase({ channel: "web", userId: "u1", text: TEXT });
        const theirs = await store.fileCase({ channel: "web", userId: "u2", text: TEXT });
        await store.changeStatus(mine.ref, { to: "accepted", actor: staff, note: "Đã chuyển" });
        const view = await store.citizenView(mine.ref, mine.token);
        expect(view.history.map((h) => [h.to, h.by, h.note])).toEqual([
          ["received", "citizen", null],
          ["accepted", "staff", "Đã chuyển"],
        ]);
        expect(JSON.stringify(view)).not.toContain("lan");
        await rejection(store.citizenView(mine.ref, theirs.token), CaseNotFoundError);
        await rejection(store.citizenView("PAKN-2026-999999", mine.token), CaseNotFoundError);
        await rejection(store.citizenView("../etc", mine.token), CaseNotFoundError);
        expect((await store.citizenViewForFiler(mine.ref, "web", "u1")).status).toBe("accepted");
        await rejection(store.citizenViewForFiler(mine.ref, "web", "u2"), CaseNotFoundError);
        const nowhere = { covers: (agency: string | null) => agency === "Sở Tư pháp" };
        await rejection(store.staffView(mine.ref, nowhere), CaseNotFoundError);
      });
    });

    describe("lifecycle", () => {
      it("received → accepted → in_progress → answered → closed, in history and outbox", async () => {
        const { sql, store, clock: c } = await setup(engine);
        const { ref } = await store.fileCase({ channel: "zalo", userId: "z1", text: TEXT });
        await store.changeStatus(ref, { to: "accepted", actor: staff, expectedVersion: 1 });
        c.advanceDays(1);
        await store.changeStatus(ref, { to: "in_progress", actor: staff, expectedVersion: 2 });
        c.advanceDays(3);
        const answered = await store.changeStatus(ref, {
          to: "answered",
          actor: staff,
          note: "Đã chấn chỉnh cán bộ tiếp nhận.",
          resultDate: "2026-03-05",
          expectedVersion: 3,
        });
        expect(answered).toMatchObject({
          status: "answered",
          version: 4,
          handledAt: "2026-03-06T02:00:00.000Z",
          resultRecordDueAt: "2026-03-09T16:59:59.999Z",
          resultRecordedLate: false,
          nextProgressAt: null,
        });
        const closed = await store.changeStatus(ref, { to: "closed", actor: "system" });
        expect(closed.history.map((h) => `${h.from ?? "-"}>${h.to}:${h.actor}`)).toEqual([
          "->received:citizen",
          "received>accepted:staff:lan",
          "accepted>in_progress:staff:lan",
          "in_progress>answered:staff:lan",
          "answered>closed:system",
        ]);
        const outbox = await sql.all<{ k: string; channel: string; u: string; payload: string }>(
          `SELECT idempotency_key AS k, channel, user_id AS u, payload FROM feedback_outbox
           ORDER BY id`,
        );
        expect(outbox.map((o) => o.k)).toEqual([2, 3, 4, 5].map((v) => `${ref}:v${v}`));
        expect(outbox.every((o) => o.channel === "zalo" && o.u === "z1")).toBe(true);
        expect(JSON.parse(outbox[2]!.payload)).toMatchObject({
          event: "status",
          status: "answered",
          previousStatus: "in_progress",
        });
        const row = await store.byRef(ref);
        const audit = await store.notifications(row!.id);
        expect(audit).toHaveLength(4);
        expect(audit[0]).toMatchObject({
          kind: "status",
          channel: "zalo",
          createdAt: "2026-03-02T02:00:00.000Z",
          sentAt: null,
          failedAt: null,
          attempts: 0,
          lastError: null,
        });
      });

      it("forged transitions, missing reasons, closed cases: named errors, nothing written", async () => {
        const { sql, store } = await setup(engine);
        const { ref } = await store.fileCase({ channel: "web", userId: "u", text: TEXT });
        const skip = await rejection(
          store.changeStatus(ref, { to: "answered", actor: staff, note: "x" }),
          InvalidTransitionError,
        );
        expect(skip.allowed).toEqual(["accepted", "rejected"]);
        expect(
          (
            await rejection(
              store.changeStatus(ref, { to: "rejected", actor: staff }),
              FeedbackInputError,
            )
          ).code,
        ).toBe("reason_required");
        expect(
          (
            await rejection(
              store.changeStatus(ref, { to: "reopened", actor: staff }),
              FeedbackInputError,
            )
          ).code,
        ).toBe("invalid_status");
        await rejection(
          store.changeStatus(ref, { to: "accepted", actor: "root" }),
          FeedbackInputError,
        );
        await store.changeStatus(ref, { to: "rejected", actor: staff, reason: "Không thuộc." });
        await rejection(
          store.assign(ref, { agency: "Sở Tư pháp", actor: staff }),
          CaseNotOpenError,
        );
        await rejection(store.addProgress(ref, { actor: staff, note: "x" }), CaseNotOpenError);
        await rejection(
          store.changeStatus("PAKN-2026-000404", { to: "accepted", actor: staff }),
          CaseNotFoundError,
        );
        expect([await count(sql, "feedback_history"), await count(sql, "feedback_outbox")]).toEqual(
          [2, 1],
        );
        expect(await store.staffView(ref)).toMatchObject({ status: "rejected", version: 2 });
      });

      it("reassign: history records the agency, the citizen sees only where it went", async () => {
        const { sql, store } = await setup(engine);
        const { ref, token } = await store.fileCase({
          channel: "web",
          userId: "u",
          text: TEXT,
          procedureCode: "1.001193",
        });
        const v = await store.assign(ref, {
          agency: "Sở Tư pháp",
          actor: staff,
          note: "Đúng thẩm quyền",
          expectedVersion: 1,
        });
        expect(v).toMatchObject({ agency: "Sở Tư pháp", routedBy: "staff", version: 2 });
        expect(v.history.at(-1)).toMatchObject({
          action: "assign",
          note: "Chuyển đến: Sở Tư pháp — Đúng thẩm quyền",
        });
        expect((await store.citizenView(ref, token)).history.at(-1)!.note).toBe(
          "Chuyển đến: Sở Tư pháp",
        );
        expect(await count(sql, "feedback_outbox")).toBe(0); // a reassignment is not notified
      });

      it("history is append-only, even for SQL run by hand", async () => {
        const { sql, store } = await setup(engine);
        await store.fileCase({ channel: "web", userId: "u", text: TEXT });
        await expect(sql.run("UPDATE feedback_history SET actor = 'x'")).rejects.toThrow(
          /append-only/,
        );
        await expect(sql.run("DELETE FROM feedback_history")).rejects.toThrow(/append-only/);
        expect(await count(sql, "feedback_history")).toBe(1);
      });

      it("a failure inside the change's transaction leaves no partial write", async () => {
        const { sql, store } = await setup(engine);
        const { ref } = await store.fileCase({ channel: "web", userId: "u", text: TEXT });
        if (engine.name === "postgres") {
          await sql.run(`CREATE FUNCTION fail_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'disk full (simulated)'; END; $$`);
          await sql.run(`CREATE TRIGGER fail_outbox BEFORE INSERT ON feedback_outbox
            FOR EACH ROW EXECUTE FUNCTION fail_outbox()`);
        } else {
          await sql.run(`CREATE TRIGGER fail_outbox BEFORE INSERT ON feedback_outbox
            BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END`);
        }
        await expect(store.changeStatus(ref, { to: "accepted", actor: staff })).rejects.toThrow(
          /simulated/,
        );
        const view = await store.staffView(ref);
        expect(view).toMatchObject({ status: "received", version: 1 });
        expect(view.history).toHaveLength(1);
      });
    });

    describe("7-day progress updates", () => {
      it("after the due time, every 7 days until handled; staff updates restart the clock", async () => {
        const { sql, store, clock: c } = await setup(engine);
        const { ref } = await store.fileCase({ channel: "telegram", userId: "t1", text: TEXT });
        await store.changeStatus(ref, { to: "accepted", actor: staff });
        expect(await store.runProgressSweep()).toBe(0);
        c.set("2026-03-24T03:00:00Z");
        expect(await store.runProgressSweep()).toBe(0);
        c.set("2026-03-31T03:00:00Z");
        expect(await store.runProgressSweep()).toBe(1);
        expect(await store.runProgressSweep()).toBe(0);
        expect((await store.staffView(ref)).history.at(-1)).toMatchObject({
          action: "progress",
          actor: "system",
          note: SYSTEM_PROGRESS_NOTE,
        });
        c.set("2026-04-02T03:00:00Z");
        const v = await store.addProgress(ref, { actor: staff, note: "Đang xác minh." });
        expect(v.nextProgressAt).toBe("2026-04-09T03:00:00.000Z");
        c.set("2026-04-08T03:00:00Z");
        expect(await store.runProgressSweep()).toBe(0);
        c.set("2026-04-09T03:00:00Z");
        expect(await store.runProgressSweep()).toBe(1);
        await store.changeStatus(ref, { to: "answered", actor: staff, note: "Kết quả" });
        c.set("2026-05-09T03:00:00Z");
        expect(await store.runProgressSweep()).toBe(0);
        const kinds = await sql.all<{ kind: string }>(
          "SELECT kind FROM feedback_outbox ORDER BY id",
        );
        expect(kinds.map((k) => k.kind)).toEqual([
          "status",
          "progress",
          "progress",
          "progress",
          "status",
        ]);
      });
    });

    describe("staff list", () => {
      it("filters, accent-blind search, keyset pages, counts and matching", async () => {
        const { store, clock: c } = await setup(engine);
        const file = (text: string, extra: { procedureCode?: string; agency?: string } = {}) =>
          store.fileCase({ channel: "web", userId: "u", text, ...extra });
        const a = await file("Đường làng bị ngập, xin sửa ống thoát nước 100% hỏng.", {
          agency: "Sở Xây dựng",
        });
        c.advanceDays(1);
        const b = await file(TEXT, { procedureCode: "1.001193" });
        c.advanceDays(1);
        const d = await file(`${TEXT} Lần hai.`);
        await store.changeStatus(b.ref, { to: "accepted", actor: staff });
        expect((await store.list({})).items.map((x) => x.ref)).toEqual([a.ref, b.ref, d.ref]);
        expect((await store.list({ statuses: ["accepted"] })).items.map((x) => x.ref)).toEqual([
          b.ref,
        ]);
        expect((await store.list({ unassigned: true })).items.map((x) => x.ref)).toEqual([d.ref]);
        expect((await store.list({ agency: "Sở Xây dựng" })).items.map((x) => x.ref)).toEqual([
          a.ref,
        ]);
        expect((await store.list({ agencyIn: [] })).items).toEqual([]);
        // Accents and case ignored on both sides ("đ" → "d"); LIKE wildcards typed are literal.
        for (const q of ["DUONG LANG", "đường làng", "ong thoat", "100%"]) {
          expect((await store.list({ search: q })).items.map((x) => x.ref)).toEqual([a.ref]);
        }
        expect((await store.list({ search: "1%0" })).items).toEqual([]);
        expect((await store.list({ search: d.ref.toLowerCase() })).items.map((x) => x.ref)).toEqual(
          [d.ref],
        );
        const first = await store.list({ limit: 2 });
        expect(first.items.map((x) => x.ref)).toEqual([a.ref, b.ref]);
        const second = await store.list({ limit: 2, cursor: first.nextCursor! });
        expect(second).toEqual({
          items: [expect.objectContaining({ ref: d.ref })],
          nextCursor: null,
        });
        await expect(store.list({ cursor: "bm9wZQ" })).rejects.toThrow(FeedbackInputError);
        await expect(store.list({ limit: 0 })).rejects.toThrow(/limit/);
        c.set("2026-03-24T03:00:00Z"); // a and b are overdue (due 23/3), d not yet (24/3)
        expect((await store.list({ overdue: true })).items.map((x) => x.ref)).toEqual([
          a.ref,
          b.ref,
        ]);
        expect(await store.list.matching({ overdue: true })).toBe(2);
        expect(await store.list.matching({})).toBe(3);
        const counts = await store.list.counts(undefined, "2026-03-25T16:59:59.999Z");
        expect(counts).toEqual({
          all: 3,
          byStatus: {
            received: 2,
            accepted: 1,
            in_progress: 0,
            answered: 0,
            closed: 0,
            rejected: 0,
          },
          open: 3,
          overdue: 2,
          dueSoon: 1,
          unassigned: 1,
          progressDue: 0,
        });
        expect((await store.list.counts(["Sở Xây dựng"], "2026-03-25T00:00:00Z")).all).toBe(1);
        expect((await store.list.counts([], "2026-03-25T00:00:00Z")).all).toBe(0);
      });
    });

    describe("report and dashboard", () => {
      it("by agency, within every scope; the dashboard's report is the report", async () => {
        const { store, clock: c } = await setup(engine);
        await seedQuarter(store, c);
        const scopes = createScopeResolver({ directory: [], agencies: store.agencies });
        const quarter = parseQuarter("2026Q1");
        const report = await store.report(quarter);
        expect(report.asOf).toBe("2026-03-31T17:00:00.000Z");
        expect(report.rows).toEqual([
          {
            agency: "UBND phường Ba Đình",
            received: 3,
            handledOnTime: 1,
            handledLate: 1,
            rejected: 1,
            pendingOnTime: 0,
            pendingOverdue: 1,
          },
          {
            agency: "Sở Tư pháp",
            received: 2,
            handledOnTime: 1,
            handledLate: 1,
            rejected: 0,
            pendingOnTime: 1,
            pendingOverdue: 0,
          },
          {
            agency: "",
            received: 1,
            handledOnTime: 0,
            handledLate: 0,
            rejected: 0,
            pendingOnTime: 1,
            pendingOverdue: 0,
          },
        ]);
        expect(report.total).toMatchObject({ received: 6, handledOnTime: 2, handledLate: 2 });
        for (const spec of ["*", "Sở Tư pháp", "UBND phường Ba Đình", "Nơi khác"]) {
          const scope = scopes.resolve(spec);
          const within = reportWithin(report, scope.covers);
          expect(await store.report(quarter, scope)).toEqual(within);
          const d = await store.dashboard(quarter, scope);
          expect(d.report).toEqual(within);
          expect(d.agencies.map((a) => a.agency)).toEqual(within.rows.map((r) => r.agency));
          expect(d.ratings === null).toBe(!scope.all);
        }
        const d = await store.dashboard(quarter, scopes.resolve("*"));
        expect(d.ratings).toEqual({ up: 1, down: 1, upShare: 50 });
        expect(d.total).toMatchObject({ handled: 4, onTimeRate: 50, overdueNow: 3 });
        expect(d.total.progressUpdates).toBeGreaterThan(0);
      });
    });

    describe("ratings", () => {
      it("👍/👎 per answer; rating again replaces; 👎 waits for review, masked", async () => {
        const { sql, store, clock: c } = await setup(engine);
        const base = { channel: "telegram", userId: "t1", answerId: "msg-100" };
        const up = await store.ratings.rateAnswer({
          ...base,
          rating: "up",
          question: "làm căn cước ở đâu",
        });
        expect(up).toMatchObject({ rating: "up", commentMasked: null });
        c.advanceDays(1);
        const down = await store.ratings.rateAnswer({
          ...base,
          rating: "down",
          comment: "Sai địa chỉ, gọi lại tôi 0912345678",
          procedureCode: "1.001193",
        });
        expect(down.id).toBe(up.id);
        expect(down).toMatchObject({
          rating: "down",
          commentMasked: "Sai địa chỉ, gọi lại tôi [phone]",
          questionMasked: "làm căn cước ở đâu",
          procedureCode: "1.001193",
          ratedAt: "2026-03-03T02:00:00.000Z",
        });
        const row = await sql.get("SELECT * FROM answer_ratings WHERE id = ?", [down.id]);
        expect(JSON.stringify(row)).not.toContain("0912345678");
        await store.ratings.rateAnswer({ ...base, answerId: "msg-101", rating: "up" });
        expect((await store.ratings.pendingReview()).map((r) => r.answerId)).toEqual(["msg-100"]);
        expect(await store.ratings.markReviewed(down.id)).toBe(true);
        expect(await store.ratings.markReviewed(down.id)).toBe(false);
        expect(await store.ratings.pendingReview()).toEqual([]);
        await expect(store.ratings.rateAnswer({ ...base, rating: "meh" as "up" })).rejects.toThrow(
          FeedbackInputError,
        );
        await expect(
          store.ratings.rateAnswer({ ...base, answerId: "", rating: "up" }),
        ).rejects.toThrow(/answerId/);
        await expect(
          store.ratings.rateAnswer({ ...base, rating: "down", comment: "x".repeat(1001) }),
        ).rejects.toThrow(/comment/);
      });
    });

    describe("two instances on one database", () => {
      it("filing at once: references unique and gap-free, in filing order", async () => {
        const [a, b] = await instances(engine, 2);
        const c = clock("2026-03-02T02:00:00Z");
        const stores = [storeOn(a!, c), storeOn(b!, c)];
        const n = 40;
        const filed = await Promise.all(
          Array.from({ length: n }, (_, i) =>
            stores[i % 2]!.fileCase({ channel: "web", userId: `u${i}`, text: TEXT }),
          ),
        );
        const refs = filed.map((f) => f.ref).sort();
        expect(new Set(refs).size).toBe(n);
        expect(refs).toEqual(
          Array.from({ length: n }, (_, i) => `PAKN-2026-${String(i + 1).padStart(6, "0")}`),
        );
        // Numbers follow the order the cases went in (the counter is taken first, held to commit).
        const rows = await a!.all<{ ref: string }>("SELECT ref FROM feedback_cases ORDER BY id");
        expect(rows.map((r) => r.ref)).toEqual(refs);
        expect(await a!.get("SELECT last FROM feedback_sequences WHERE year = 2026")).toEqual({
          last: n,
        });
      });

      it("the same draft sent on both at once (double tap, retried webhook): one case", async () => {
        const [a, b] = await instances(engine, 2, true);
        const c = clock("2026-03-02T02:00:00Z");
        await a!.run("INSERT INTO drafts (id) VALUES ('d1'), ('d2')");
        /** The caller's pattern: claim the draft, file inside the same transaction, mark it. */
        const send = (sql: SqlDatabase, draft: string) =>
          sql.transaction(async (tx) => {
            const claim = await tx.run(
              "UPDATE drafts SET filed_ref = 'filing' WHERE id = ? AND filed_ref IS NULL",
              [draft],
            );
            if (claim.changes === 0) {
              const done = await tx.get<{ filed_ref: string }>(
                "SELECT filed_ref FROM drafts WHERE id = ?",
                [draft],
              );
              return { ref: done!.filed_ref, again: true };
            }
            const filed = await storeOn(sql, c).fileCase(
              { channel: "telegram", userId: "t1", text: TEXT },
              tx,
            );
            await tx.run("UPDATE drafts SET filed_ref = ? WHERE id = ?", [filed.ref, draft]);
            return { ref: filed.ref, again: false };
          });
        const results = await Promise.all([
          send(a!, "d1"),
          send(b!, "d1"),
          send(b!, "d1"),
          send(a!, "d2"),
          send(b!, "d2"),
        ]);
        expect(await count(a!, "feedback_cases")).toBe(2);
        const d1 = results.slice(0, 3);
        expect(d1.filter((r) => !r.again)).toHaveLength(1);
        expect(new Set(d1.map((r) => r.ref)).size).toBe(1);
        expect(d1[0]!.ref).toMatch(/^PAKN-2026-00000[12]$/);
        expect(results.slice(3).filter((r) => !r.again)).toHaveLength(1);
      });

      it("two officers change one case at once: one wins, the other gets a version conflict", async () => {
        const [a, b] = await instances(engine, 2);
        const c = clock("2026-03-02T02:00:00Z");
        const [sa, sb] = [storeOn(a!, c), storeOn(b!, c)];
        const { ref } = await sa.fileCase({ channel: "web", userId: "u", text: TEXT });
        const read = (await sb.staffView(ref)).version;
        const outcomes = await Promise.allSettled([
          sa.changeStatus(ref, { to: "accepted", actor: "staff:an", expectedVersion: read }),
          sb.changeStatus(ref, {
            to: "rejected",
            actor: staff,
            reason: "Không thuộc.",
            expectedVersion: read,
          }),
        ]);
        const won = outcomes.filter((o) => o.status === "fulfilled");
        const lost = outcomes.filter((o) => o.status === "rejected");
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);
        const view = await sa.staffView(ref);
        expect(view.version).toBe(2);
        expect(view.history).toHaveLength(2);
        expect(await count(a!, "feedback_outbox")).toBe(1);
      });

      it.runIf(engine.name === "postgres")(
        "without a version named, changes from two instances queue on the case: both go in",
        async () => {
          const [a, b, holder] = await instances(engine, 3);
          const c = clock("2026-03-02T02:00:00Z");
          const [sa, sb] = [storeOn(a!, c), storeOn(b!, c)];
          const { ref } = await sa.fileCase({ channel: "web", userId: "u", text: TEXT });
          await sa.changeStatus(ref, { to: "accepted", actor: staff });
          // A third connection holds the case while both changes start, so that both are under
          // way at once (each waiting on the row) when it lets go: the race happens every run.
          let both!: Promise<unknown[]>;
          await holder!.transaction(async (tx) => {
            await tx.run("UPDATE feedback_cases SET updated_at = updated_at WHERE ref = ?", [ref]);
            both = Promise.all([
              sa.addProgress(ref, { actor: staff, note: "Một" }).catch((e: unknown) => e),
              sb.addProgress(ref, { actor: "staff:an", note: "Hai" }).catch((e: unknown) => e),
            ]);
            for (let waiting = 0; waiting < 2;) {
              await new Promise((resolve) => setImmediate(resolve));
              const row = await holder!.get<{ n: number }>(
                `SELECT count(*) AS n FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'`,
              );
              waiting = Number(row!.n);
            }
          });
          const views = (await both) as { version: number }[];
          expect(views.every((v) => !(v instanceof Error))).toBe(true);
          expect(views.map((v) => v.version).sort()).toEqual([3, 4]);
          expect(
            (await sa.staffView(ref)).history
              .map((h) => h.note)
              .slice(-2)
              .sort(),
          ).toEqual(["Hai", "Một"]);
        },
      );

      it("two instances' dispatchers drain at once: each notice sent once, a case's in order", async () => {
        const [a, b] = await instances(engine, 2);
        const c = clock("2026-03-02T02:00:00Z");
        const sa = storeOn(a!, c);
        const refs: string[] = [];
        for (let i = 0; i < 8; i++) {
          const { ref } = await sa.fileCase({ channel: "web", userId: `u${i}`, text: TEXT });
          await sa.changeStatus(ref, { to: "accepted", actor: staff });
          await sa.addProgress(ref, { actor: staff, note: "Đang xử lý" });
          await sa.changeStatus(ref, { to: "answered", actor: staff, note: "Kết quả" });
          refs.push(ref);
        }
        const sent: { key: string; by: string }[] = [];
        const dispatcher = (sql: SqlDatabase, by: string) =>
          createSqlOutboxDispatcher({
            sql,
            now: c.now,
            batchSize: 5,
            senders: {
              web: async (m: OutboxMessage) => {
                sent.push({ key: m.idempotencyKey, by });
              },
            },
          });
        const [da, db] = [dispatcher(a!, "a"), dispatcher(b!, "b")];
        expect(await da.pending()).toBe(24);
        for (let round = 0; round < 20 && (await da.pending()) > 0; round++) {
          await Promise.all([da.drainOnce(), db.drainOnce()]);
        }
        expect(await db.pending()).toBe(0);
        const keys = sent.map((s) => s.key);
        expect(keys).toHaveLength(24);
        expect(new Set(keys).size).toBe(24);
        for (const ref of refs) {
          expect(keys.filter((k) => k.startsWith(`${ref}:`))).toEqual(
            [2, 3, 4].map((v) => `${ref}:v${v}`),
          );
        }
      });

      it("both instances' sweeps at once: one progress notice per case and period", async () => {
        const [a, b] = await instances(engine, 2);
        const c = clock("2026-03-02T02:00:00Z");
        const [sa, sb] = [storeOn(a!, c), storeOn(b!, c)];
        const refs: string[] = [];
        for (let i = 0; i < 10; i++) {
          refs.push((await sa.fileCase({ channel: "web", userId: `u${i}`, text: TEXT })).ref);
        }
        c.set("2026-03-31T03:00:00Z");
        const [na, nb] = await Promise.all([sa.runProgressSweep(), sb.runProgressSweep()]);
        expect(na + nb).toBe(10);
        expect(await count(a!, "feedback_outbox")).toBe(10);
        expect(await count(a!, "feedback_history")).toBe(20);
        expect(await Promise.all([sa.runProgressSweep(), sb.runProgressSweep()])).toEqual([0, 0]);
      });
    });
  });
}
