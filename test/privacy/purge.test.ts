/**
 * The retention purge on a real SQLite file with a test clock: what is past retention loses its
 * personal data, what is not (or still open) is untouched, a second run changes nothing, and a
 * dry run counts exactly what a real run changes.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/index.ts";
import {
  ANONYMISED_TEXT,
  FINAL_STATUSES,
  purgeExpired,
  retentionCutoff,
} from "../../src/privacy/index.ts";
import { buildFixture, caseRow, dump, KEPT_TEXT, OLD_CONTACT, OLD_TEXT } from "./helpers.ts";

const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

async function fixture() {
  const f = await buildFixture();
  open.push(f.db);
  return f;
}

const all = (db: Database, sql: string) => db.prepare(sql).all() as Record<string, unknown>[];

describe("retention purge", () => {
  it("the final statuses are the ones with no way out: closed and rejected", () => {
    expect([...FINAL_STATUSES].sort()).toEqual(["closed", "rejected"]);
  });

  it("anonymises a closed case past retention and keeps what statistics need", async () => {
    const { db, clock, refs } = await fixture();
    const before = caseRow(db, refs.oldClosed);
    const history = all(db, `SELECT * FROM feedback_history ORDER BY id`);
    expect(JSON.stringify(dump(db))).toContain("001203004567"); // the check below is not vacuous
    const r = purgeExpired({ db, now: clock.now, retentionDays: 365 });
    expect(r.cutoff).toBe("2024-03-01T02:00:00.000Z");
    expect(r.counts.cases).toBe(2); // the closed one and the rejected one

    const after = caseRow(db, refs.oldClosed);
    expect(after).toMatchObject({
      text: ANONYMISED_TEXT,
      text_masked: ANONYMISED_TEXT,
      contact: null,
      user_id: `anonymised:${before.id}`,
    });
    const kept = [
      "id",
      "ref",
      "kind",
      "channel",
      "procedure_code",
      "agency",
      "routed_by",
      "status",
      "received_at",
      "due_at",
      "handled_at",
      "result_date",
      "updated_at",
      "version",
    ];
    for (const k of kept) expect(after[k], k).toEqual(before[k]);
    expect(caseRow(db, refs.oldRejected)).toMatchObject({
      text: ANONYMISED_TEXT,
      reject_reason: "Không thuộc phạm vi quy định hành chính.",
    });
    // The history (staff and system entries, append-only) is the legal record: unchanged.
    expect(all(db, `SELECT * FROM feedback_history ORDER BY id`)).toEqual(history);
    // Nothing of what the citizen wrote is left anywhere in the database.
    const everything = JSON.stringify(dump(db));
    for (const piece of ["001203004567", "0912345678", "0912 345 678", "an.nguyen@example.vn"]) {
      expect(everything).not.toContain(piece);
    }
    expect(everything).not.toContain(OLD_TEXT.slice(0, 30));
    expect(everything).not.toContain(OLD_CONTACT);
    // Their delivered notifications no longer name the recipient.
    const recipients = all(
      db,
      `SELECT o.user_id FROM feedback_outbox o JOIN feedback_cases c ON c.id = o.case_id
       WHERE c.ref IN ('${refs.oldClosed}', '${refs.oldRejected}')`,
    );
    expect(recipients.length).toBeGreaterThan(0);
    expect(recipients.every((o) => String(o.user_id).startsWith("anonymised:"))).toBe(true);
    expect(r.counts.notifications).toBe(recipients.length);
  });

  it("keeps a case closed within retention intact", async () => {
    const { db, clock, refs } = await fixture();
    const before = caseRow(db, refs.recentClosed);
    purgeExpired({ db, now: clock.now, retentionDays: 365 });
    expect(caseRow(db, refs.recentClosed)).toEqual(before);
    // Shorter retention (90 days from 1/3/2025 → 1/12/2024) still keeps February's case.
    purgeExpired({ db, now: clock.now, retentionDays: 90 });
    expect(caseRow(db, refs.recentClosed)).toEqual(before);
  });

  it("never touches an open case, however old, nor an answered one not yet closed", async () => {
    const { db, clock, refs } = await fixture();
    const openBefore = caseRow(db, refs.oldOpen);
    const answeredBefore = caseRow(db, refs.oldAnswered);
    expect(openBefore.received_at).toBe("2024-01-08T02:00:00.000Z");
    // Ten years on, at the shortest retention.
    clock.set("2034-01-01T00:00:00Z");
    purgeExpired({ db, now: clock.now, retentionDays: 90 });
    expect(caseRow(db, refs.oldOpen)).toEqual(openBefore);
    expect(caseRow(db, refs.oldAnswered)).toEqual(answeredBefore);
    expect(caseRow(db, refs.oldOpen).text).toBe(KEPT_TEXT);
  });

  it("anonymises conversations, answers, ratings, questions, closed tickets, refused messages and the inbox past retention", async () => {
    const { db, clock } = await fixture();
    const r = purgeExpired({ db, now: clock.now, retentionDays: 365 });
    expect(r.counts).toMatchObject({
      conversations: 1, // wOld; telegram 1002 has an open hand-over, wRecent is recent
      answers: 1,
      ratings: 1,
      questions: 1,
      tickets: 1,
      ticketMessages: 2,
      undelivered: 1,
    });
    expect(r.counts.inbox).toBeGreaterThan(0);
    const states = all(db, `SELECT channel, user_id FROM dialogue_state ORDER BY user_id`);
    expect(states).toEqual([
      { channel: "telegram", user_id: "1002" },
      { channel: "web", user_id: "wRecent" },
    ]);
    expect(all(db, `SELECT question_masked, user_id FROM dialogue_answers`)).toEqual([
      { question_masked: null, user_id: "anonymised:1" },
    ]);
    const ratings = all(
      db,
      `SELECT user_id, rating, comment_masked, question_masked, procedure_code FROM answer_ratings
       ORDER BY id`,
    );
    expect(ratings[0]).toEqual({
      user_id: "anonymised:1",
      rating: -1,
      comment_masked: null,
      question_masked: null,
      procedure_code: "1.001193",
    });
    expect(ratings[1]).toMatchObject({ user_id: "wRecent", comment_masked: "Chưa đúng" });
    const tickets = all(
      db,
      `SELECT status, summary, user_id, closed_at FROM handoff_tickets ORDER BY id`,
    );
    expect(tickets[0]).toMatchObject({
      status: "closed",
      summary: ANONYMISED_TEXT,
      user_id: "anonymised:1",
    });
    expect(tickets[0]!.closed_at).not.toBeNull();
    expect(tickets[1]).toMatchObject({
      status: "waiting",
      summary: "Bà Bình hỏi về đất đai",
      user_id: "1002",
    });
    expect(all(db, `SELECT ticket_id, author, text FROM handoff_messages ORDER BY id`)).toEqual([
      { ticket_id: 1, author: "citizen", text: ANONYMISED_TEXT },
      { ticket_id: 1, author: "staff", text: ANONYMISED_TEXT },
      { ticket_id: 2, author: "citizen", text: "Tôi là Bình" },
    ]);
    expect(all(db, `SELECT question_masked, intent FROM questions`)).toEqual([
      { question_masked: ANONYMISED_TEXT, intent: null },
    ]);
    expect(all(db, `SELECT text, user_id, reason FROM channel_undelivered`)).toEqual([
      { text: ANONYMISED_TEXT, user_id: "anonymised:1", reason: "outside_window" },
    ]);
    // The inbox keeps only what was stored within retention (February's notifications).
    const inbox = all(db, `SELECT created_at FROM dialogue_inbox`);
    expect(inbox.length).toBeGreaterThan(0);
    expect(inbox.every((m) => String(m.created_at) >= r.cutoff)).toBe(true);
  });

  it("is idempotent: a second run counts nothing and changes nothing", async () => {
    const { db, clock } = await fixture();
    const first = purgeExpired({ db, now: clock.now, retentionDays: 365 });
    expect(Object.values(first.counts).some((n) => n > 0)).toBe(true);
    const after = dump(db);
    const second = purgeExpired({ db, now: clock.now, retentionDays: 365 });
    expect(Object.values(second.counts).every((n) => n === 0)).toBe(true);
    expect(dump(db)).toEqual(after);
  });

  it("a dry run counts what a real run changes and changes nothing", async () => {
    const { db, clock } = await fixture();
    const before = dump(db);
    const dry = purgeExpired({ db, now: clock.now, retentionDays: 365, dryRun: true });
    expect(dump(db)).toEqual(before);
    expect(dry.dryRun).toBe(true);
    const real = purgeExpired({ db, now: clock.now, retentionDays: 365 });
    expect(real.counts).toEqual(dry.counts);
  });

  it("leaves a closed case alone while one of its notifications is still being delivered", async () => {
    const { db, clock, refs } = await fixture();
    const before = caseRow(db, refs.oldClosed);
    db.prepare(
      `UPDATE feedback_outbox SET sent_at = NULL WHERE id = (SELECT max(id) FROM feedback_outbox
       WHERE case_id = ?)`,
    ).run(before.id);
    const r = purgeExpired({ db, now: clock.now, retentionDays: 365 });
    expect(r.counts.cases).toBe(1); // the rejected one only
    expect(caseRow(db, refs.oldClosed)).toEqual(before);
  });

  it("refuses a retention that is not a positive whole number of days", () => {
    expect(() => retentionCutoff(new Date(), 0)).toThrow(RangeError);
    expect(() => retentionCutoff(new Date(), 1.5)).toThrow(RangeError);
  });
});
