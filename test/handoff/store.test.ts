/**
 * The hand-off store (src/handoff/store.ts) and its report, the same contract on SQLite and on
 * PostgreSQL (test/helpers/engines.ts): every statement runs on both engines.
 */
import { describe, expect, it } from "vitest";
import type { SqlDatabase } from "../../src/db/index.ts";
import { createHandoffStore, handoffReport } from "../../src/handoff/index.ts";
import { ENGINES } from "../helpers/engines.ts";

const T0 = Date.parse("2026-03-02T02:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
/** A Telegram supergroup id: past 32 bits, kept whole on both engines. */
const STAFF_CHAT = -1_001_234_567_890;

async function withDb(open: () => Promise<SqlDatabase>, fn: (db: SqlDatabase) => Promise<void>) {
  const db = await open();
  try {
    await fn(db);
  } finally {
    await db.close();
  }
}

const opening = (userId: string, now = at(0)) => ({
  channel: "telegram" as const,
  userId,
  reason: "asked" as const,
  summary: `Lý do chuyển: ${userId}`,
  now,
});

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`hand-off store on ${engine.name}`, () => {
    it("one open ticket per conversation; a new one once it is closed", async () => {
      await withDb(
        () => engine.open(),
        async (db) => {
          const store = createHandoffStore(db);
          const first = await store.open(opening("u1"));
          expect(first.created).toBe(true);
          expect(first.ticket).toMatchObject({
            id: 1,
            channel: "telegram",
            userId: "u1",
            status: "waiting",
            reason: "asked",
            assignee: null,
            createdAt: at(0).toISOString(),
            rating: null,
            staffChatId: null,
          });
          const again = await store.open({ ...opening("u1"), summary: "khác" });
          expect(again).toEqual({ ticket: first.ticket, created: false });
          expect(await store.openFor("telegram", "u1")).toEqual(first.ticket);
          expect(await store.openFor("zalo", "u1")).toBeUndefined();

          expect((await store.close(1, "citizen", at(3)))?.status).toBe("closed");
          expect(await store.close(1, "citizen", at(4))).toBeUndefined();
          expect(await store.openFor("telegram", "u1")).toBeUndefined();
          const next = await store.open(opening("u1", at(5)));
          expect(next).toMatchObject({ created: true, ticket: { id: 2, status: "waiting" } });
          expect(await store.get(99)).toBeUndefined();
        },
      );
    });

    it("a claim goes to the first officer only, and not once closed", async () => {
      await withDb(
        () => engine.open(),
        async (db) => {
          const store = createHandoffStore(db);
          const { ticket } = await store.open(opening("u1"));
          const claimed = await store.claim(ticket.id, "web:lan", "Lan", at(1));
          expect(claimed).toMatchObject({
            status: "assigned",
            assignee: "web:lan",
            assigneeName: "Lan",
            assignedAt: at(1).toISOString(),
          });
          expect(await store.claim(ticket.id, "tg:8", "Minh", at(2))).toBeUndefined();
          expect((await store.get(ticket.id))?.assignee).toBe("web:lan");
          const other = (await store.open(opening("u2"))).ticket;
          await store.close(other.id, "citizen", at(2));
          expect(await store.claim(other.id, "tg:8", "Minh", at(3))).toBeUndefined();
        },
      );
    });

    it("the transcript keeps its order; the first staff line is the first response", async () => {
      await withDb(
        () => engine.open(),
        async (db) => {
          const store = createHandoffStore(db);
          const { ticket } = await store.open(opening("u1"));
          await store.addMessage(ticket.id, "citizen", null, "một", at(0));
          await store.addMessage(ticket.id, "bot", null, "hai", at(0));
          await store.addMessage(ticket.id, "staff", "web:lan", "ba", at(2));
          await store.addMessage(ticket.id, "staff", "web:lan", "bốn", at(5));
          await store.addMessage(ticket.id, "citizen", null, "năm", at(6));
          const lines = await store.transcript(ticket.id);
          expect(lines.map((l) => [l.author, l.officer, l.text])).toEqual([
            ["citizen", null, "một"],
            ["bot", null, "hai"],
            ["staff", "web:lan", "ba"],
            ["staff", "web:lan", "bốn"],
            ["citizen", null, "năm"],
          ]);
          expect(lines[2]!.at).toBe(at(2).toISOString());
          expect((await store.get(ticket.id))?.firstResponseAt).toBe(at(2).toISOString());
          expect(await store.transcript(99)).toEqual([]);
        },
      );
    });

    it("ratings: once, 1–5, by the ticket's own conversation, after closing", async () => {
      await withDb(
        () => engine.open(),
        async (db) => {
          const store = createHandoffStore(db);
          const { ticket } = await store.open(opening("u1"));
          expect(await store.rate(ticket.id, "telegram", "u1", 5)).toBe(false); // still open
          await store.close(ticket.id, "web:lan", at(1));
          expect(await store.rate(ticket.id, "telegram", "u2", 5)).toBe(false);
          expect(await store.rate(ticket.id, "zalo", "u1", 5)).toBe(false);
          await expect(store.rate(ticket.id, "telegram", "u1", 6)).rejects.toThrow();
          expect(await store.rate(ticket.id, "telegram", "u1", 4)).toBe(true);
          expect(await store.rate(ticket.id, "telegram", "u1", 1)).toBe(false);
          expect((await store.get(ticket.id))?.rating).toBe(4);
        },
      );
    });

    it("lists by status in ticket order, with a limit", async () => {
      await withDb(
        () => engine.open(),
        async (db) => {
          const store = createHandoffStore(db);
          for (const u of ["a", "b", "c", "d"]) await store.open(opening(u));
          await store.claim(2, "web:lan", "Lan", at(1));
          await store.close(3, "citizen", at(1));
          const ids = async (...s: Parameters<typeof store.list>) =>
            (await store.list(...s)).map((t) => t.id);
          expect(await ids(["waiting"])).toEqual([1, 4]);
          expect(await ids(["waiting", "assigned"])).toEqual([1, 2, 4]);
          expect(await ids(["waiting", "assigned", "closed"], 2)).toEqual([1, 2]);
          expect(await ids([])).toEqual([]);
        },
      );
    });

    it("staff-group posts and topics lead back to their ticket", async () => {
      await withDb(
        () => engine.open(),
        async (db) => {
          const store = createHandoffStore(db);
          const one = (await store.open(opening("u1"))).ticket;
          const two = (await store.open(opening("u2"))).ticket;
          await store.setStaffPost(one.id, STAFF_CHAT, 501, 77);
          await store.setStaffPost(two.id, STAFF_CHAT, 502, null);
          await store.addStaffPost(STAFF_CHAT, 510, two.id);
          await store.addStaffPost(STAFF_CHAT, 510, two.id); // the same post again: kept once
          expect(await store.get(one.id)).toMatchObject({
            staffChatId: STAFF_CHAT,
            staffMessageId: 501,
            staffThreadId: 77,
          });
          expect((await store.ticketForPost(STAFF_CHAT, 501))?.id).toBe(one.id);
          expect((await store.ticketForPost(STAFF_CHAT, 510))?.id).toBe(two.id);
          expect(await store.ticketForPost(STAFF_CHAT, 999)).toBeUndefined();
          expect(await store.ticketForPost(-100, 501)).toBeUndefined();
          expect((await store.ticketForThread(STAFF_CHAT, 77))?.id).toBe(one.id);
          expect(await store.ticketForThread(STAFF_CHAT, 78)).toBeUndefined();
        },
      );
    });

    it("misses in a row and the last three answers per conversation", async () => {
      await withDb(
        () => engine.open(),
        async (db) => {
          const store = createHandoffStore(db);
          const answer = (q: string) => ({ question: q, procedures: [], answer: "…", at: "t" });
          const note = (e: string | null, o: "miss" | "hit" | "neutral") =>
            store.noteAnswer("web", "w1", e ? answer(e) : null, o, at(0));
          expect(await note("q1", "miss")).toBe(1);
          expect(await note("q2", "neutral")).toBe(1);
          expect(await note("q3", "miss")).toBe(2);
          expect(await note(null, "hit")).toBe(0);
          expect(await note("q4", "miss")).toBe(1);
          expect((await store.recent("web", "w1")).map((r) => r.question)).toEqual([
            "q4",
            "q3",
            "q2",
          ]);
          expect(await store.recent("web", "other")).toEqual([]);
          await store.resetMisses("web", "w1", at(1));
          expect(await note(null, "neutral")).toBe(0);
          expect((await store.recent("web", "w1")).length).toBe(3);
          await store.resetMisses("zalo", "new", at(1)); // nothing there yet: a row at zero
          expect(await store.noteAnswer("zalo", "new", null, "miss", at(2))).toBe(1);
        },
      );
    });

    it("the report: minutes to first response and to close, per officer and per day", async () => {
      await withDb(
        () => engine.open(),
        async (db) => {
          const store = createHandoffStore(db);
          // Ticket 1: Lan, answered after 2 min, closed after 10, rated 5.
          await store.open(opening("a", at(0)));
          await store.claim(1, "web:lan", "Lan", at(1));
          await store.addMessage(1, "staff", "web:lan", "chào", at(2));
          await store.close(1, "web:lan", at(10));
          await store.rate(1, "telegram", "a", 5);
          // Ticket 2: Minh, answered after 4 min, closed after 30, rated 2.
          await store.open(opening("b", at(20)));
          await store.claim(2, "tg:8", "Minh", at(21));
          await store.addMessage(2, "staff", "tg:8", "chào", at(24));
          await store.close(2, "tg:8", at(50));
          await store.rate(2, "telegram", "b", 2);
          // Ticket 3: waiting, created at 17:30 UTC = 00:30 next day in Vietnam.
          await store.open(opening("c", at(15 * 60 + 30)));
          // Ticket 4: assigned, created before the period.
          await store.open(opening("d", at(-3 * 24 * 60)));
          await store.claim(4, "web:lan", "Lan", at(0));

          const report = await handoffReport(db, at(-60), at(24 * 60));
          expect(report).toEqual({
            from: at(-60).toISOString(),
            to: at(24 * 60).toISOString(),
            waiting: 1,
            assigned: 1,
            byOfficer: [
              {
                key: "(chưa nhận)",
                tickets: 1,
                answered: 0,
                closed: 0,
                avgFirstResponseMin: null,
                avgCloseMin: null,
                avgRating: null,
              },
              {
                key: "Lan",
                tickets: 1,
                answered: 1,
                closed: 1,
                avgFirstResponseMin: 2,
                avgCloseMin: 10,
                avgRating: 5,
              },
              {
                key: "Minh",
                tickets: 1,
                answered: 1,
                closed: 1,
                avgFirstResponseMin: 4,
                avgCloseMin: 30,
                avgRating: 2,
              },
            ],
            byDay: [
              {
                key: "2026-03-02",
                tickets: 2,
                answered: 2,
                closed: 2,
                avgFirstResponseMin: 3,
                avgCloseMin: 20,
                avgRating: 3.5,
              },
              {
                key: "2026-03-03",
                tickets: 1,
                answered: 0,
                closed: 0,
                avgFirstResponseMin: null,
                avgCloseMin: null,
                avgRating: null,
              },
            ],
          });
          const empty = await handoffReport(db, at(-10_000), at(-9_000));
          expect(empty).toMatchObject({ byOfficer: [], byDay: [], waiting: 1, assigned: 1 });
        },
      );
    });
  });
}
