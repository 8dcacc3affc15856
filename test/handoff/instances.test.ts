/**
 * Several instances of the server on one database (issue 15): two hand-off services, each on its
 * own connection pool to one PostgreSQL database (and, for SQLite, two connections to one file).
 * Two officers claiming one ticket on two instances: exactly one gets it; one conversation
 * escalating on two instances at once: one ticket; replies to one ticket on two instances: they
 * reach the citizen, and the transcript, in the order they were written.
 */
import { describe, expect, it } from "vitest";
import type { SqlDatabase } from "../../src/db/index.ts";
import type { OutgoingMessage } from "../../src/channels/index.ts";
import {
  createHandoff,
  createHandoffStore,
  HandoffError,
  parseHotlineHours,
  type Handoff,
} from "../../src/handoff/index.ts";
import { calendar } from "../feedback/helpers.ts";
import { ENGINES, type TestEngine } from "../helpers/engines.ts";
import { OPEN_TIME } from "./helpers.ts";

const now = () => new Date(OPEN_TIME);
const lan = { id: "web:lan", name: "Lan", source: "web" };
const minh = { id: "tg:8", name: "Minh", source: "telegram" };
const turn = (userId: string) => ({ channel: "telegram" as const, userId, now: now() });

type Send = (userId: string, message: OutgoingMessage) => Promise<void>;

function service(sql: SqlDatabase, send: Send): Handoff {
  return createHandoff({
    sql,
    now,
    calendar,
    hours: parseHotlineHours("07:30-17:00"),
    send: (_channel, userId, message) => send(userId, message),
  });
}

/** Until `done()` holds, checking between turns of the event loop; fails after 5 s. */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function twoInstances(engine: TestEngine): Promise<[SqlDatabase, SqlDatabase]> {
  const target = await engine.target();
  return [await target.open(), await target.open()];
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`hand-off on two instances (${engine.name})`, () => {
    it("two officers claiming one ticket on two instances: exactly one gets it", async () => {
      const [one, two] = await twoInstances(engine);
      try {
        const notices: string[] = [];
        const send: Send = async (userId, m) => void notices.push(`${userId}: ${m.text}`);
        const a = service(one, send);
        const b = service(two, send);
        const TICKETS = 20;
        for (let i = 1; i <= TICKETS; i++) {
          await a.dialogue.escalate(turn(`u${i}`), "asked", "");
        }
        for (let id = 1; id <= TICKETS; id++) {
          // Alternating which instance goes first.
          const [x, y] = id % 2 ? [a, b] : [b, a];
          const results = await Promise.allSettled([x.claim(id, lan), y.claim(id, minh)]);
          const won = results.filter((r) => r.status === "fulfilled");
          const lost = results.filter((r) => r.status === "rejected");
          expect(won).toHaveLength(1);
          expect(lost).toHaveLength(1);
          const reason = (lost[0] as PromiseRejectedResult).reason as HandoffError;
          expect(reason).toBeInstanceOf(HandoffError);
          expect(reason.code).toBe("assigned_to_other");
          const winner = (won[0] as PromiseFulfilledResult<{ assignee: string }>).value.assignee;
          const stored = await a.store.get(id);
          expect(stored).toMatchObject({ status: "assigned", assignee: winner });
          // The citizen is told once, and the transcript says it once.
          const lines = await b.store.transcript(id);
          expect(lines.filter((l) => l.text.includes("đã nhận"))).toHaveLength(1);
          expect(notices.filter((n) => n.startsWith(`u${id}: `))).toHaveLength(1);
        }
      } finally {
        await one.close();
        await two.close();
      }
    });

    it("one conversation escalating on two instances at once: one ticket", async () => {
      const [one, two] = await twoInstances(engine);
      try {
        const stores = [createHandoffStore(one), createHandoffStore(two)];
        for (let i = 0; i < 20; i++) {
          const input = {
            channel: "zalo" as const,
            userId: `z${i}`,
            reason: "asked" as const,
            summary: "…",
            now: now(),
          };
          const [x, y] = await Promise.all(stores.map((s) => s.open(input)));
          expect(x!.ticket.id).toBe(y!.ticket.id);
          expect([x!.created, y!.created].filter(Boolean)).toHaveLength(1);
        }
        expect(await stores[0]!.list(["waiting"])).toHaveLength(20);
      } finally {
        await one.close();
        await two.close();
      }
    });

    it("replies to one ticket on two instances reach the citizen in the order written", async () => {
      // SQLite serves one instance by design (its ticket lock is in-process): the two services
      // share one connection there; on PostgreSQL each has its own pool.
      const target = await engine.target();
      const one = await target.open();
      const two = engine.name === "postgres" ? await target.open() : one;
      try {
        const delivered: string[] = [];
        let hold: (() => void) | null = null;
        let heldCalled = false;
        const sendA: Send = async (_u, m) => {
          if (m.text.includes("thứ nhất")) {
            heldCalled = true;
            await new Promise<void>((resolve) => (hold = resolve));
          }
          delivered.push(m.text);
        };
        let bCalled = false;
        const sendB: Send = async (_u, m) => {
          if (m.text.includes("thứ hai")) bCalled = true;
          delivered.push(m.text);
        };
        const a = service(one, sendA);
        let bAsked = false;
        const bLocking: SqlDatabase = {
          ...two,
          exclusive(name, fn) {
            bAsked = true;
            return two.exclusive(name, fn);
          },
        };
        const b = service(bLocking, sendB);
        await a.dialogue.escalate(turn("u1"), "asked", "");
        await a.claim(1, lan);

        // The first reply is being delivered (held) on instance A…
        const first = a.reply(1, lan, "câu trả lời thứ nhất");
        await until(() => heldCalled);
        // …when the second, written after it, arrives on instance B.
        const second = b.reply(1, lan, "câu trả lời thứ hai");
        // B waits for A's lock on the ticket (PostgreSQL: a waiting advisory lock; SQLite: the
        // connection's), or — without the lock — delivers at once; we go on once either is seen.
        await until(async () => {
          if (bCalled) return true;
          if (!bAsked) return false;
          if (engine.name === "sqlite") return true;
          const row = await one.get<{ n: number }>(
            `SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
          );
          return row!.n >= 1;
        });
        expect(bCalled).toBe(false);
        hold!();
        await Promise.all([first, second]);

        const replies = delivered.filter((t) => t.includes("câu trả lời"));
        expect(replies.map((t) => (t.includes("thứ nhất") ? 1 : 2))).toEqual([1, 2]);
        const staff = (await b.store.transcript(1)).filter((l) => l.author === "staff");
        expect(staff.map((l) => l.text)).toEqual(["câu trả lời thứ nhất", "câu trả lời thứ hai"]);
      } finally {
        await one.close();
        if (two !== one) await two.close();
      }
    });
  });
}
