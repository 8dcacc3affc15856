/**
 * The retention purge on both engines (a real SQLite file, a real PostgreSQL server) with a test
 * clock: what is past retention loses its personal data, what is not (or still open) is
 * untouched, a second run changes nothing, a dry run counts exactly what a real run changes, and
 * two instances purging at once change each row once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { openPostgres, type SqlDatabase } from "../../src/db/index.ts";
import {
  ANONYMISED_TEXT,
  COUNTERS,
  FINAL_STATUSES,
  purgeExpired,
  retentionCutoff,
  type PurgeCounts,
} from "../../src/privacy/index.ts";
import { ENGINES } from "../helpers/engines.ts";
import { freshPostgresDatabase, POSTGRES_ADMIN_URL } from "../helpers/postgres.ts";
import {
  buildFixture,
  caseRow,
  dump,
  KEPT_TEXT,
  OLD_CONTACT,
  OLD_TEXT,
  rows,
  type Fixture,
} from "./helpers.ts";

const opened: SqlDatabase[] = [];
afterEach(async () => {
  for (const sql of opened.splice(0)) await sql.close();
});

const purge = (f: Fixture, retentionDays = 365, dryRun = false) =>
  purgeExpired({ sql: f.sql, now: f.clock.now, retentionDays, dryRun });

/** What one purge of the fixture on 1/3/2025 (365 days) changes, but the inbox and notifications. */
const EXPECTED: Partial<PurgeCounts> = {
  cases: 2, // the closed one and the rejected one
  reminders: 1, // the closed case's; not the open one's, not the report's
  conversations: 1, // wOld; telegram 1002 has an open hand-over, wRecent is recent
  conversationContext: 0,
  answers: 1,
  ratings: 1,
  questions: 1,
  tickets: 1,
  ticketMessages: 2,
  undelivered: 1,
};

describe("retention purge", () => {
  it("the final statuses are the ones with no way out: closed and rejected", () => {
    expect([...FINAL_STATUSES].sort()).toEqual(["closed", "rejected"]);
  });

  it("refuses a retention that is not a positive whole number of days", () => {
    expect(() => retentionCutoff(new Date(), 0)).toThrow(RangeError);
    expect(() => retentionCutoff(new Date(), 1.5)).toThrow(RangeError);
  });
});

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`retention purge on ${engine.name}`, () => {
    async function fixture(): Promise<Fixture> {
      const sql = await engine.open();
      opened.push(sql);
      return buildFixture(sql);
    }

    it("anonymises a closed case past retention and keeps what statistics need", async () => {
      const f = await fixture();
      const { sql, refs } = f;
      // Filed with an Idempotency-Key (src/feedback/idempotency.ts): its hashes go too.
      const keyed = `UPDATE feedback_cases SET idempotency_key_hash = ?, idempotency_request_hash = ?
        WHERE ref = ?`;
      await sql.run(keyed, ["a".repeat(64), "b".repeat(64), refs.oldClosed]);
      await sql.run(keyed, ["c".repeat(64), "b".repeat(64), refs.recentClosed]);
      const before = await caseRow(sql, refs.oldClosed);
      const history = await rows(sql, `SELECT * FROM feedback_history ORDER BY id`);
      expect(JSON.stringify(await dump(sql))).toContain("001203004567"); // not vacuous
      const r = await purge(f);
      expect(r.cutoff).toBe("2024-03-01T02:00:00.000Z");
      expect(r.counts.cases).toBe(2);

      const after = await caseRow(sql, refs.oldClosed);
      expect(after).toMatchObject({
        text: ANONYMISED_TEXT,
        text_masked: ANONYMISED_TEXT,
        contact: null,
        user_id: `anonymised:${before.id}`,
        idempotency_key_hash: null,
        idempotency_request_hash: null,
      });
      expect(await caseRow(sql, refs.recentClosed)).toMatchObject({
        idempotency_key_hash: "c".repeat(64),
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
      expect(await caseRow(sql, refs.oldRejected)).toMatchObject({
        text: ANONYMISED_TEXT,
        reject_reason: "Không thuộc phạm vi quy định hành chính.",
      });
      // The history (staff and system entries, append-only) is the legal record: unchanged.
      expect(await rows(sql, `SELECT * FROM feedback_history ORDER BY id`)).toEqual(history);
      // Nothing of what the citizen wrote is left anywhere in the database.
      const everything = JSON.stringify(await dump(sql));
      for (const piece of [
        "001203004567",
        "0912345678",
        "0912 345 678",
        "an.nguyen@example.vn",
        "Nguyễn Văn An",
      ]) {
        expect(everything).not.toContain(piece);
      }
      expect(everything).not.toContain(OLD_TEXT.slice(0, 30));
      expect(everything).not.toContain(OLD_CONTACT);
      // Their delivered notifications no longer name the recipient.
      const recipients = await rows(
        sql,
        `SELECT o.user_id FROM feedback_outbox o JOIN feedback_cases c ON c.id = o.case_id
         WHERE c.ref IN (?, ?)`,
        [refs.oldClosed, refs.oldRejected],
      );
      expect(recipients.length).toBeGreaterThan(0);
      expect(recipients.every((o) => String(o.user_id).startsWith("anonymised:"))).toBe(true);
      expect(r.counts.notifications).toBe(recipients.length);
    });

    it("keeps a case closed within retention intact", async () => {
      const f = await fixture();
      const before = await caseRow(f.sql, f.refs.recentClosed);
      await purge(f);
      expect(await caseRow(f.sql, f.refs.recentClosed)).toEqual(before);
      // Shorter retention (90 days from 1/3/2025 → 1/12/2024) still keeps February's case.
      await purge(f, 90);
      expect(await caseRow(f.sql, f.refs.recentClosed)).toEqual(before);
    });

    it("never touches an open case, however old, nor an answered one not yet closed", async () => {
      const f = await fixture();
      const { sql, refs } = f;
      const openBefore = await caseRow(sql, refs.oldOpen);
      const answeredBefore = await caseRow(sql, refs.oldAnswered);
      const notificationsBefore = await rows(
        sql,
        `SELECT * FROM feedback_outbox WHERE case_id IN (?, ?) ORDER BY id`,
        [Number(openBefore.id), Number(answeredBefore.id)],
      );
      expect(openBefore.received_at).toBe("2024-01-08T02:00:00.000Z");
      // Ten years on, at the shortest retention.
      f.clock.set("2034-01-01T00:00:00Z");
      await purge(f, 90);
      expect(await caseRow(sql, refs.oldOpen)).toEqual(openBefore);
      expect(await caseRow(sql, refs.oldAnswered)).toEqual(answeredBefore);
      expect((await caseRow(sql, refs.oldOpen)).text).toBe(KEPT_TEXT);
      expect(
        await rows(sql, `SELECT * FROM feedback_outbox WHERE case_id IN (?, ?) ORDER BY id`, [
          Number(openBefore.id),
          Number(answeredBefore.id),
        ]),
      ).toEqual(notificationsBefore);
      // The open case's reminder keeps its title; so does the open hand-over.
      expect(
        await rows(sql, `SELECT title FROM reminder_deliveries WHERE item = ?`, [refs.oldOpen]),
      ).toEqual([{ title: expect.stringMatching(new RegExp(`^${refs.oldOpen}: Tôi là Trần`)) }]);
      expect(
        await rows(sql, `SELECT status, summary, user_id FROM handoff_tickets WHERE status <> ?`, [
          "closed",
        ]),
      ).toEqual([{ status: "waiting", summary: "Bà Bình hỏi về đất đai", user_id: "1002" }]);
      expect(
        await rows(sql, `SELECT channel, user_id FROM dialogue_state ORDER BY user_id`),
      ).toEqual([{ channel: "telegram", user_id: "1002" }]);
    });

    it("anonymises conversations, answers, ratings, questions, closed tickets, refused messages, reminders and the inbox past retention", async () => {
      const f = await fixture();
      const { sql, refs } = f;
      const actions = await rows(sql, `SELECT * FROM reminder_actions ORDER BY id`);
      const r = await purge(f);
      expect(r.counts).toMatchObject(EXPECTED);
      expect(r.counts.inbox).toBeGreaterThan(0);
      const states = await rows(
        sql,
        `SELECT channel, user_id FROM dialogue_state ORDER BY user_id`,
      );
      expect(states).toEqual([
        { channel: "telegram", user_id: "1002" },
        { channel: "web", user_id: "wRecent" },
      ]);
      expect(await rows(sql, `SELECT question_masked, user_id FROM dialogue_answers`)).toEqual([
        { question_masked: null, user_id: "anonymised:1" },
      ]);
      const ratings = await rows(
        sql,
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
      const tickets = await rows(
        sql,
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
      expect(
        await rows(sql, `SELECT ticket_id, author, text FROM handoff_messages ORDER BY id`),
      ).toEqual([
        { ticket_id: 1, author: "citizen", text: ANONYMISED_TEXT },
        { ticket_id: 1, author: "staff", text: ANONYMISED_TEXT },
        { ticket_id: 2, author: "citizen", text: "Tôi là Bình" },
      ]);
      expect(await rows(sql, `SELECT question_masked, intent FROM questions`)).toEqual([
        { question_masked: ANONYMISED_TEXT, intent: null },
      ]);
      expect(await rows(sql, `SELECT text, user_id, reason FROM channel_undelivered`)).toEqual([
        { text: ANONYMISED_TEXT, user_id: "anonymised:1", reason: "outside_window" },
      ]);
      // The closed case's reminder keeps its ref, not the start of the citizen's text; the open
      // case's and the report's are untouched. Who pressed the buttons (officials) is kept.
      expect(
        await rows(sql, `SELECT kind, item, title FROM reminder_deliveries ORDER BY id`),
      ).toEqual([
        { kind: "pakn_overdue", item: refs.oldClosed, title: refs.oldClosed },
        {
          kind: "pakn_overdue",
          item: refs.oldOpen,
          title: expect.stringMatching(/: Tôi là Trần Thị Bình, điện thoại \[phone\]/),
        },
        { kind: "report", item: "quarterly", title: "Báo cáo quý I/2024" },
      ]);
      expect(await rows(sql, `SELECT * FROM reminder_actions ORDER BY id`)).toEqual(actions);
      expect(actions).toHaveLength(2);
      // The inbox keeps only what was stored within retention (February's notifications).
      const inbox = await rows(sql, `SELECT created_at FROM dialogue_inbox`);
      expect(inbox.length).toBeGreaterThan(0);
      expect(inbox.every((m) => String(m.created_at) >= r.cutoff)).toBe(true);
    });

    it("is idempotent: a second run counts nothing and changes nothing", async () => {
      const f = await fixture();
      const first = await purge(f);
      expect(Object.values(first.counts).some((n) => n > 0)).toBe(true);
      const after = await dump(f.sql);
      const second = await purge(f);
      expect(Object.values(second.counts).every((n) => n === 0)).toBe(true);
      expect(await dump(f.sql)).toEqual(after);
    });

    it("a dry run counts what a real run changes and changes nothing", async () => {
      const f = await fixture();
      const before = await dump(f.sql);
      const dry = await purge(f, 365, true);
      expect(await dump(f.sql)).toEqual(before);
      expect(dry.dryRun).toBe(true);
      expect(dry.counts).toMatchObject(EXPECTED);
      const real = await purge(f);
      expect(real.counts).toEqual(dry.counts);
    });

    it("leaves a closed case alone while one of its notifications is still being delivered", async () => {
      const f = await fixture();
      const before = await caseRow(f.sql, f.refs.oldClosed);
      await f.sql.run(
        `UPDATE feedback_outbox SET sent_at = NULL WHERE id = (SELECT max(id) FROM feedback_outbox
         WHERE case_id = ?)`,
        [Number(before.id)],
      );
      const r = await purge(f);
      expect(r.counts.cases).toBe(1); // the rejected one only
      expect(r.counts.reminders).toBe(0);
      expect(await caseRow(f.sql, f.refs.oldClosed)).toEqual(before);
    });

    it("two instances purging at once change each row once, one after the other", async () => {
      const target = await engine.target();
      const [a, b] = [await target.open(), await target.open()];
      opened.push(a, b);
      const f = await buildFixture(a);
      const dry = await purge(f, 365, true);
      const [one, two] = await Promise.all([
        purge(f),
        purgeExpired({ sql: b, now: f.clock.now, retentionDays: 365 }),
      ]);
      for (const c of COUNTERS) expect(one.counts[c] + two.counts[c], c).toBe(dry.counts[c]);
      if (engine.name === "postgres") {
        // One after the other, under the lock shared by the instances: the second found it done.
        // (On SQLite, one instance by design, each kind's transaction is what serialises them.)
        const zero = (r: typeof one) => Object.values(r.counts).every((n) => n === 0);
        expect(zero(one) || zero(two)).toBe(true);
      }
      expect(Object.values((await purge(f)).counts).every((n) => n === 0)).toBe(true);
    });
  });
}

describe.skipIf(!POSTGRES_ADMIN_URL)(
  "retention purge on PostgreSQL with a Vietnamese collation",
  () => {
    it("counts and changes what it does on SQLite: times compare the same", async () => {
      const fresh = await freshPostgresDatabase({ icuLocale: "vi-VN" });
      try {
        const sql = await openPostgres({ url: fresh.url, poolSize: 2 });
        opened.push(sql);
        const collation = await sql.get<{ c: string }>(
          `SELECT datlocprovider::text || ':' || coalesce(daticulocale, '') AS c FROM pg_database
         WHERE datname = current_database()`,
        );
        expect(collation!.c).toBe("i:vi-VN");
        const f = await buildFixture(sql);
        const dry = await purge(f, 365, true);
        expect(dry.counts).toMatchObject(EXPECTED);
        expect((await purge(f)).counts).toEqual(dry.counts);
        expect(Object.values((await purge(f)).counts).every((n) => n === 0)).toBe(true);
      } finally {
        for (const sql of opened.splice(0)) await sql.close();
        await fresh.drop();
      }
    });
  },
);
