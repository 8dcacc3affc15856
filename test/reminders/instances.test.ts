/**
 * Several instances on one database (issue 15): each reminder goes exactly once per group and
 * period whichever instance's cron fires, and a crashed instance's claim is taken over once. Two
 * (or three) instances are separate connections — separate pools on PostgreSQL, separate SQLite
 * connections to one file — ticking at the same time with one injected clock.
 */
import { afterEach, describe, expect, it } from "vitest";
import { localDate } from "../../src/calendar/index.ts";
import type { DueReminder } from "../../src/reminders/index.ts";
import { ENGINES, type TestEngine } from "../helpers/engines.ts";
import { days, rig, vn, type Rig } from "./helpers.ts";

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

/** `n` groups, alternately a commune (X-UBND) and a department (STP), each with 3 deadlines. */
async function setUp(engine: TestEngine, at: string, n: number): Promise<Rig> {
  const rg = await rig(engine, at);
  r = rg;
  const t = rg.clock.now();
  for (let i = 0; i < n; i++) {
    const chat = String(-1_000_000 - i);
    await rg.store.requestLink(chat, i % 2 ? "STP" : "X-UBND", `Nhóm ${i}`, "tg:1", t);
    await rg.store.approve(chat, "cli", t);
  }
  for (const agency of ["X-UBND", "STP"]) {
    for (const due of ["2026-03-18", "2026-03-19", "2026-03-24"]) {
      await rg.store.addCustom({ title: `Hạn ${due}`, due, agency, ref: "CV 1" }, "cli", t);
    }
  }
  return rg;
}

const perChat = (rg: Rig) => {
  const counts = new Map<string, number>();
  for (const s of rg.sent) counts.set(s.chat, (counts.get(s.chat) ?? 0) + 1);
  return counts;
};

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`reminders on several instances (${engine.name})`, () => {
    it("two instances ticking together send each reminder once, one digest per group", async () => {
      const rg = await setUp(engine, vn("2026-03-17", "08:00"), 24);
      const other = await rg.sibling();
      const due = await rg.dispatcher.planNow();
      expect(due.length).toBeGreaterThan(24); // several items per group
      const [a, b] = await Promise.all([rg.dispatcher.tick(), other.dispatcher.tick()]);
      expect(a.planned).toBe(due.length);
      expect(b.planned).toBe(due.length);
      expect(a.claimed + b.claimed).toBe(due.length);
      expect(a.messages + b.messages).toBe(24);
      // Every group got exactly one digest, with all its items (never two halves).
      expect([...perChat(rg).values()]).toEqual(Array(24).fill(1));
      // The cron fires again on both: nothing more goes out.
      for (const minutes of ["08:15", "08:30"]) {
        rg.clock.set(vn("2026-03-17", minutes));
        const again = await Promise.all([rg.dispatcher.tick(), other.dispatcher.tick()]);
        expect(again.map((t) => t.claimed)).toEqual([0, 0]);
      }
      const deliveries = await rg.store.deliveries();
      expect(deliveries).toHaveLength(due.length);
      expect(deliveries.every((d) => d.status === "sent" && d.message_id !== null)).toBe(true);
      expect(rg.sent).toHaveLength(24);
      expect(rg.warnings()).toEqual([]);
    });

    it("claims of one group by two instances at once: one wins all of them, whatever the order", async () => {
      const rg = await setUp(engine, vn("2026-03-17", "08:00"), 1);
      const other = await rg.sibling();
      const at = rg.clock.now();
      for (let round = 0; round < 20; round++) {
        const items: DueReminder[] = Array.from({ length: 6 }, (_, k) => ({
          kind: "custom",
          agency: "X-UBND",
          chat: "-1000000",
          due: "2026-03-20",
          title: `Hạn ${k}`,
          item: `c${k}`,
          period: `round${round}@1`,
          reference: "CV 1",
          daysLeft: 3,
        }));
        // Opposite orders: the store claims in a fixed order, so neither waits for the other's
        // rows while holding its own (on PostgreSQL that would be a deadlock, one claim aborted).
        const [x, y] = await Promise.all([
          rg.store.claim(items, at),
          other.store.claim([...items].reverse(), at),
        ]);
        expect([x.length, y.length].sort()).toEqual([0, 6]);
      }
    });

    it("a crashed instance's claim is taken over by one instance only, after the stale window", async () => {
      const rg = await setUp(engine, vn("2026-03-17", "08:00"), 2);
      const crashed = await rg.sibling();
      const due = await crashed.dispatcher.planNow();
      const mine = due.filter((d) => d.chat === "-1000000");
      // The instance claims the first group's reminders, then dies before sending.
      expect(await crashed.store.claim(mine, rg.clock.now())).toHaveLength(mine.length);
      await crashed.sql.close();

      const a = await rg.sibling();
      const b = await rg.sibling();
      // 20 minutes later the claim is still the crashed instance's: only the other group is sent.
      rg.clock.set(vn("2026-03-17", "08:20"));
      await Promise.all([a.dispatcher.tick(), b.dispatcher.tick()]);
      expect([...perChat(rg)]).toEqual([["-1000001", 1]]);
      // Past 30 minutes: released and claimed again, by one of them; then never again.
      for (const time of ["08:31", "08:45", "09:30", "14:00"]) {
        rg.clock.set(vn("2026-03-17", time));
        await Promise.all([a.dispatcher.tick(), b.dispatcher.tick(), rg.dispatcher.tick()]);
      }
      expect(perChat(rg)).toEqual(
        new Map([
          ["-1000001", 1],
          ["-1000000", 1],
        ]),
      );
      const rows = (await rg.store.deliveries()).filter((d) => d.chat_id === "-1000000");
      expect(rows).toHaveLength(mine.length);
      expect(rows.every((d) => d.status === "sent")).toBe(true);
      expect(rg.warnings()).toEqual([]);
    });

    it("over three weeks of cron ticks on two instances, each stage goes out once, on its day", async () => {
      const rg = await setUp(engine, vn("2026-03-02"), 2);
      const other = await rg.sibling();
      for (const day of days("2026-03-02", "2026-03-24")) {
        for (const time of ["07:00", "08:00", "08:15", "14:00"]) {
          rg.clock.set(vn(day, time));
          await Promise.all([rg.dispatcher.tick(), other.dispatcher.tick()]);
        }
      }
      const sentDays = (await rg.store.deliveries())
        .filter((d) => d.chat_id === "-1000000" && d.item === "q-commune")
        .map((d) => `${localDate(new Date(d.sent_at!))} ${d.period}`);
      expect(sentDays).toEqual([
        "2026-03-06 2026Q1@10",
        "2026-03-17 2026Q1@3",
        "2026-03-19 2026Q1@1",
      ]);
      const perDay = new Map<string, number>();
      for (const s of rg.sent)
        perDay.set(`${s.chat} ${s.day}`, (perDay.get(`${s.chat} ${s.day}`) ?? 0) + 1);
      expect(Math.max(...perDay.values())).toBe(1);
      expect(rg.warnings()).toEqual([]);
    });
  });
}
