import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/index.ts";
import {
  CaseNotFoundError,
  CaseNotOpenError,
  FeedbackInputError,
  InvalidTransitionError,
  MAX_TEXT_CHARS,
  SYSTEM_PROGRESS_NOTE,
  UnknownProcedureError,
  VersionConflictError,
  createFeedbackQueue,
} from "../../src/feedback/index.ts";
import { PROCEDURES, RULES, TEXT, calendar, makeQueue } from "./helpers.ts";

const open: Database[] = [];
function setup(options: Parameters<typeof makeQueue>[0] = {}) {
  const q = makeQueue(options);
  open.push(q.db);
  return q;
}
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

const staff = "staff:lan";
const count = (db: Database, table: string) =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

function expectError<E extends Error>(fn: () => unknown, type: new (...a: never[]) => E): E {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(type);
    return err as E;
  }
  throw new Error(`expected ${type.name}`);
}

describe("fileCase", () => {
  it("gives sequential references, a due date and a token stored only as its hash", () => {
    const { db, queue, file } = setup();
    const a = queue.fileCase({ channel: "telegram", userId: "tg-42", text: TEXT });
    const b = queue.fileCase({ channel: "zalo", userId: "z-7", text: TEXT, kind: "proposal" });
    expect(a).toMatchObject({
      ref: "PAKN-2026-000001",
      status: "received",
      kind: "complaint",
      receivedAt: "2026-03-02T02:00:00.000Z",
      dueDate: "2026-03-23", // 2/3 + 20 = Sunday 22/3 → Monday
      dueAt: "2026-03-23T16:59:59.999Z",
    });
    expect(b.ref).toBe("PAKN-2026-000002");
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(a.token).not.toBe(b.token);
    const row = db.prepare("SELECT token_hash FROM feedback_cases WHERE ref = ?").get(a.ref) as {
      token_hash: string;
    };
    expect(row.token_hash).toBe(createHash("sha256").update(a.token).digest("hex"));
    db.pragma("wal_checkpoint(TRUNCATE)");
    expect(readFileSync(file).includes(Buffer.from(a.token))).toBe(false);
  });

  it("numbers by the Vietnamese year: 00:30 on 1/1/2027 in Hà Nội is 2027", () => {
    const { queue, clock } = setup({ at: "2026-12-31T16:00:00Z" });
    expect(queue.fileCase({ channel: "web", userId: "u1", text: TEXT }).ref).toBe(
      "PAKN-2026-000001",
    );
    clock.set("2026-12-31T17:30:00Z");
    expect(queue.fileCase({ channel: "web", userId: "u1", text: TEXT }).ref).toBe(
      "PAKN-2027-000001",
    );
  });

  it("keeps the text, and a masked copy for logs and lists", () => {
    const { db, queue } = setup();
    const { ref } = queue.fileCase({
      channel: "web",
      userId: "u1",
      text: `${TEXT} Gọi tôi: 0912 345 678, CCCD 001203004567.\u0007`,
    });
    const row = db
      .prepare("SELECT text, text_masked FROM feedback_cases WHERE ref = ?")
      .get(ref) as {
      text: string;
      text_masked: string;
    };
    expect(row.text).toContain("0912 345 678");
    expect(row.text).not.toContain("\u0007");
    expect(row.text_masked).not.toMatch(/0912|001203004567/);
    expect(queue.list({}).items[0]!.preview).toContain("[phone]");
  });

  it("refuses text that is too long or too short, naming the limit", () => {
    const { db, queue } = setup();
    const long = expectError(
      () => queue.fileCase({ channel: "web", userId: "u", text: "ạ".repeat(MAX_TEXT_CHARS + 1) }),
      FeedbackInputError,
    );
    expect(long).toMatchObject({ code: "text_too_long", field: "text" });
    expect(long.message).toContain(String(MAX_TEXT_CHARS));
    // Exactly the limit in code points (Vietnamese combining marks are normalized first).
    queue.fileCase({ channel: "web", userId: "u", text: "ạ".repeat(MAX_TEXT_CHARS) });
    expect(
      expectError(
        () => queue.fileCase({ channel: "web", userId: "u", text: "  tệ " }),
        FeedbackInputError,
      ).code,
    ).toBe("text_too_short");
    // Invisible characters are not text: zero-width spaces, stray combining marks.
    expect(
      expectError(
        () => queue.fileCase({ channel: "web", userId: "u", text: "\u200b".repeat(30) }),
        FeedbackInputError,
      ).code,
    ).toBe("text_empty");
    expect(
      expectError(
        () =>
          queue.fileCase({ channel: "web", userId: "u", text: `tệ${"\u0301".repeat(20)} \u200d` }),
        FeedbackInputError,
      ).code,
    ).toBe("text_too_short");
    expect(count(db, "feedback_cases")).toBe(1);
  });

  it("validates the procedure code against the catalogue and routes to its agency", () => {
    const { queue } = setup();
    expect(
      expectError(
        () => queue.fileCase({ channel: "web", userId: "u", text: TEXT, procedureCode: "1001193" }),
        FeedbackInputError,
      ).code,
    ).toBe("invalid_procedure_code");
    expectError(
      () => queue.fileCase({ channel: "web", userId: "u", text: TEXT, procedureCode: "9.999999" }),
      UnknownProcedureError,
    );
    const routed = queue.fileCase({
      channel: "web",
      userId: "u",
      text: TEXT,
      procedureCode: "1.001193",
      agency: "Công an phường",
    });
    expect(routed.agency).toBe("UBND cấp xã");
    const named = queue.fileCase({
      channel: "web",
      userId: "u",
      text: TEXT,
      agency: "Công an phường",
    });
    expect(named.agency).toBe("Công an phường");
    expect(queue.staffView(named.ref).routedBy).toBe("citizen");
    const none = queue.fileCase({
      channel: "web",
      userId: "u",
      text: TEXT,
      procedureCode: "2.002123",
    });
    expect(none.agency).toBeNull();
    expect(queue.list({ unassigned: true }).items.map((c) => c.ref)).toEqual([none.ref]);
  });

  it("refuses a channel or user id that could smuggle anything", () => {
    const { queue } = setup();
    expect(
      expectError(
        () => queue.fileCase({ channel: "Web Chat", userId: "u", text: TEXT }),
        FeedbackInputError,
      ).field,
    ).toBe("channel");
    expect(
      expectError(
        () => queue.fileCase({ channel: "web", userId: "a b", text: TEXT }),
        FeedbackInputError,
      ).field,
    ).toBe("userId");
  });
});

describe("citizenView", () => {
  it("shows status and history to the token holder only; wrong token = unknown ref", () => {
    const { queue } = setup();
    const mine = queue.fileCase({ channel: "web", userId: "u1", text: TEXT });
    const theirs = queue.fileCase({ channel: "web", userId: "u2", text: `${TEXT} (khác)` });
    queue.changeStatus(mine.ref, { to: "accepted", actor: staff, note: "Đã chuyển Phòng Tư pháp" });
    const view = queue.citizenView(mine.ref, mine.token);
    expect(view).toMatchObject({ ref: mine.ref, status: "accepted", overdue: false });
    expect(view.history.map((h) => [h.to, h.by, h.note])).toEqual([
      ["received", "citizen", null],
      ["accepted", "staff", "Đã chuyển Phòng Tư pháp"],
    ]);
    expect(JSON.stringify(view)).not.toContain("lan"); // no staff names
    expect(JSON.stringify(view)).not.toContain("u1");
    const wrong = expectError(() => queue.citizenView(mine.ref, theirs.token), CaseNotFoundError);
    const missing = expectError(
      () => queue.citizenView("PAKN-2026-999999", mine.token),
      CaseNotFoundError,
    );
    expect(wrong.message.replace(mine.ref, "REF")).toBe(
      missing.message.replace("PAKN-2026-999999", "REF"),
    );
    expectError(() => queue.citizenView("../etc", mine.token), CaseNotFoundError);
    expectError(() => queue.citizenView(mine.ref, ""), CaseNotFoundError);
  });
});

describe("lifecycle", () => {
  it("received → accepted → in_progress → answered → closed, each step in history and outbox", () => {
    const { db, queue, clock } = setup();
    const { ref } = queue.fileCase({ channel: "zalo", userId: "z1", text: TEXT });
    queue.changeStatus(ref, { to: "accepted", actor: staff, expectedVersion: 1 });
    clock.advanceDays(1);
    queue.changeStatus(ref, { to: "in_progress", actor: staff, expectedVersion: 2 });
    clock.advanceDays(3);
    const answered = queue.changeStatus(ref, {
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
      resultDate: "2026-03-05",
      resultRecordDueAt: "2026-03-09T16:59:59.999Z", // Thu 5/3 + 2 working days = Mon 9/3
      resultRecordedLate: false,
      nextProgressAt: null,
    });
    const closed = queue.changeStatus(ref, { to: "closed", actor: "system" });
    expect(closed.history.map((h) => `${h.from ?? "-"}>${h.to}:${h.actor}`)).toEqual([
      "->received:citizen",
      "received>accepted:staff:lan",
      "accepted>in_progress:staff:lan",
      "in_progress>answered:staff:lan",
      "answered>closed:system",
    ]);
    const outbox = db
      .prepare(
        "SELECT idempotency_key AS k, channel, user_id AS u, payload FROM feedback_outbox ORDER BY id",
      )
      .all() as { k: string; channel: string; u: string; payload: string }[];
    expect(outbox.map((o) => o.k)).toEqual([2, 3, 4, 5].map((v) => `${ref}:v${v}`));
    expect(outbox.every((o) => o.channel === "zalo" && o.u === "z1")).toBe(true);
    expect(JSON.parse(outbox[2]!.payload)).toMatchObject({
      event: "status",
      status: "answered",
      previousStatus: "in_progress",
      note: "Đã chấn chỉnh cán bộ tiếp nhận.",
    });
  });

  it("flags a result recorded more than 2 working days after its date", () => {
    const { queue, clock } = setup();
    const { ref } = queue.fileCase({ channel: "web", userId: "u", text: TEXT });
    queue.changeStatus(ref, { to: "accepted", actor: staff });
    clock.set("2026-03-12T03:00:00Z"); // Thursday
    const late = queue.changeStatus(ref, {
      to: "answered",
      actor: staff,
      note: "Kết quả",
      resultDate: "2026-03-09", // Monday: to be recorded by Wednesday 11/3
    });
    expect(late.resultRecordedLate).toBe(true);
  });

  it("rejects forged transitions with a named error and writes nothing", () => {
    const { db, queue } = setup();
    const { ref } = queue.fileCase({ channel: "web", userId: "u", text: TEXT });
    queue.changeStatus(ref, { to: "accepted", actor: staff });
    queue.changeStatus(ref, { to: "answered", actor: staff, note: "Trả lời" });
    queue.changeStatus(ref, { to: "closed", actor: staff });
    const before = [count(db, "feedback_history"), count(db, "feedback_outbox")];
    const err = expectError(
      () => queue.changeStatus(ref, { to: "received", actor: staff }),
      InvalidTransitionError,
    );
    expect(err).toMatchObject({ from: "closed", to: "received", allowed: [] });
    expectError(
      () => queue.changeStatus(ref, { to: "in_progress", actor: staff }),
      InvalidTransitionError,
    );
    expect(
      expectError(
        () => queue.changeStatus(ref, { to: "reopened", actor: staff }),
        FeedbackInputError,
      ).code,
    ).toBe("invalid_status");
    expect([count(db, "feedback_history"), count(db, "feedback_outbox")]).toEqual(before);
    expect(queue.staffView(ref)).toMatchObject({ status: "closed", version: 4 });
  });

  it("skipping a step is forged too: received → answered", () => {
    const { queue } = setup();
    const { ref } = queue.fileCase({ channel: "web", userId: "u", text: TEXT });
    const err = expectError(
      () => queue.changeStatus(ref, { to: "answered", actor: staff, note: "x" }),
      InvalidTransitionError,
    );
    expect(err.allowed).toEqual(["accepted", "rejected"]);
  });

  it("rejecting needs a reason, which the citizen sees", () => {
    const { queue } = setup();
    const filed = queue.fileCase({ channel: "web", userId: "u", text: TEXT });
    expect(
      expectError(
        () => queue.changeStatus(filed.ref, { to: "rejected", actor: staff }),
        FeedbackInputError,
      ).code,
    ).toBe("reason_required");
    queue.changeStatus(filed.ref, {
      to: "rejected",
      actor: staff,
      reason: "Không thuộc phạm vi quy định hành chính.",
    });
    expect(queue.citizenView(filed.ref, filed.token)).toMatchObject({
      status: "rejected",
      rejectReason: "Không thuộc phạm vi quy định hành chính.",
    });
    expectError(
      () => queue.assign(filed.ref, { agency: "Sở Tư pháp", actor: staff }),
      CaseNotOpenError,
    );
  });

  it("staff reassign: history records the agency; the version moves", () => {
    const { queue } = setup();
    const { ref, token } = queue.fileCase({
      channel: "web",
      userId: "u",
      text: TEXT,
      procedureCode: "1.001193",
    });
    const v = queue.assign(ref, {
      agency: "Sở Tư pháp",
      actor: staff,
      note: "Đúng thẩm quyền",
      expectedVersion: 1,
    });
    // The citizen sees where the case went, not the staff's note about it.
    expect(queue.citizenView(ref, token)?.history.at(-1)?.note).toBe("Chuyển đến: Sở Tư pháp");
    expect(v).toMatchObject({ agency: "Sở Tư pháp", routedBy: "staff", version: 2 });
    expect(v.history.at(-1)).toMatchObject({
      action: "assign",
      note: "Chuyển đến: Sở Tư pháp — Đúng thẩm quyền",
    });
    expect(queue.list({ agency: "Sở Tư pháp" }).items).toHaveLength(1);
    expect(queue.list({ agency: "UBND cấp xã" }).items).toHaveLength(0);
  });

  it("history is append-only, even for SQL run by hand", () => {
    const { db, queue } = setup();
    queue.fileCase({ channel: "web", userId: "u", text: TEXT });
    expect(() => db.prepare("UPDATE feedback_history SET actor = 'x'").run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare("DELETE FROM feedback_history").run()).toThrow(/append-only/);
  });
});

describe("concurrent updates", () => {
  it("two staff read version 1: the first write wins, the second gets VersionConflictError", () => {
    const { queue, file, clock } = setup();
    const { ref } = queue.fileCase({ channel: "web", userId: "u", text: TEXT });
    // A second process: its own connection on the same file.
    const db2 = openDatabase(file);
    open.push(db2);
    const other = createFeedbackQueue({
      db: db2,
      now: clock.now,
      calendar,
      rules: RULES,
      procedures: PROCEDURES,
    });
    const read1 = queue.staffView(ref).version;
    const read2 = other.staffView(ref).version;
    other.changeStatus(ref, { to: "accepted", actor: "staff:an", expectedVersion: read2 });
    const err = expectError(
      () =>
        queue.changeStatus(ref, {
          to: "rejected",
          actor: staff,
          reason: "x",
          expectedVersion: read1,
        }),
      VersionConflictError,
    );
    expect(err).toMatchObject({ expected: 1, actual: 2 });
    const view = queue.staffView(ref);
    expect(view).toMatchObject({ status: "accepted", version: 2 });
    expect(view.history).toHaveLength(2);
  });

  it("a failure inside the transaction leaves no partial write", () => {
    const { db, queue } = setup();
    const { ref } = queue.fileCase({ channel: "web", userId: "u", text: TEXT });
    db.exec(`CREATE TRIGGER fail_outbox BEFORE INSERT ON feedback_outbox
             BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END`);
    expect(() => queue.changeStatus(ref, { to: "accepted", actor: staff })).toThrow(/simulated/);
    expect(queue.staffView(ref)).toMatchObject({ status: "received", version: 1 });
    expect(queue.staffView(ref).history).toHaveLength(1);
  });
});

describe("7-day progress updates", () => {
  it("after the due time, notifies every 7 days until handled; staff updates restart the clock", () => {
    const { db, queue, clock } = setup();
    const { ref } = queue.fileCase({ channel: "telegram", userId: "t1", text: TEXT });
    queue.changeStatus(ref, { to: "accepted", actor: staff });
    expect(queue.runProgressSweep()).toBe(0);
    clock.set("2026-03-24T03:00:00Z"); // due 23/3 24:00 → overdue
    expect(queue.list({ overdue: true }).items.map((c) => c.ref)).toEqual([ref]);
    expect(queue.runProgressSweep()).toBe(0); // first update owed 7 days after the due time
    clock.set("2026-03-31T03:00:00Z");
    expect(queue.runProgressSweep()).toBe(1);
    expect(queue.runProgressSweep()).toBe(0); // idempotent
    expect(queue.staffView(ref).history.at(-1)).toMatchObject({
      action: "progress",
      actor: "system",
      note: SYSTEM_PROGRESS_NOTE,
    });
    // Staff post progress on 2/4: next one owed 9/4.
    clock.set("2026-04-02T03:00:00Z");
    const v = queue.addProgress(ref, { actor: staff, note: "Đang xác minh với UBND xã." });
    expect(v.nextProgressAt).toBe("2026-04-09T03:00:00.000Z");
    clock.set("2026-04-08T03:00:00Z");
    expect(queue.runProgressSweep()).toBe(0);
    clock.set("2026-04-09T03:00:00Z");
    expect(queue.runProgressSweep()).toBe(1);
    queue.changeStatus(ref, { to: "answered", actor: staff, note: "Kết quả" });
    clock.set("2026-05-09T03:00:00Z");
    expect(queue.runProgressSweep()).toBe(0);
    const kinds = db.prepare("SELECT kind FROM feedback_outbox ORDER BY id").all() as {
      kind: string;
    }[];
    expect(kinds.map((k) => k.kind)).toEqual([
      "status",
      "progress",
      "progress",
      "progress",
      "status",
    ]);
  });
});
