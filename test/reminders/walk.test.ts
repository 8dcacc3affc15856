/**
 * The reminders over months with an injected clock, on both engines (SQLite files and a real
 * PostgreSQL server, test/helpers/engines.ts): the store's SQL is the same on both.
 */
import { afterEach, describe, expect, it } from "vitest";
import { localDate } from "../../src/calendar/index.ts";
import { ENGINES, type TestEngine } from "../helpers/engines.ts";
import { calendar, days, rig, vn, type Rig } from "./helpers.ts";

const COMMUNE = "-1001";
const DEPT = "-1002";
let r: Rig | undefined;

async function setUp(engine: TestEngine, at: string): Promise<Rig> {
  const rg = await rig(engine, at);
  r = rg;
  const t = rg.clock.now();
  await rg.store.requestLink(COMMUNE, "X-UBND", "UBND xã A", "tg:1", t);
  await rg.store.requestLink(DEPT, "STP", "Sở Tư pháp", "tg:2", t);
  await rg.store.approve(COMMUNE, "cli", t);
  await rg.store.approve(DEPT, "cli", t);
  return rg;
}

afterEach(async () => {
  await r?.close();
  r = undefined;
});

/** Ticks at 07:00 (before sendAfter), 08:00, 08:15 and 14:00 of every day in the range. */
async function walk(
  r: Rig,
  from: string,
  to: string,
  skip: (day: string) => boolean = () => false,
) {
  for (const day of days(from, to)) {
    if (skip(day)) continue;
    for (const time of ["07:00", "08:00", "08:15", "14:00"]) {
      r.clock.set(vn(day, time));
      await r.dispatcher.tick();
    }
  }
}

/** Days on which a delivery of this kind+item went to the chat, with its period. */
async function sentDays(r: Rig, chat: string, kind: string, item: string): Promise<string[]> {
  return (await r.store.deliveries())
    .filter((d) => d.chat_id === chat && d.kind === kind && d.item === item)
    .map((d) => `${localDate(new Date(d.sent_at!))} ${d.period}`);
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(
    `walking January–May 2026 with an injected clock (${engine.name})`,
    () => {
      it("fires each stage once, on the right working days, around Tết and 30/4–1/5", async () => {
        const r = await setUp(engine, vn("2026-01-02"));
        const tet = await r.store.addCustom(
          { title: "Nộp kế hoạch sau Tết", due: "2026-02-23", agency: "X-UBND", ref: "KH 1" },
          "cli",
          r.clock.now(),
        );
        const may = await r.store.addCustom(
          { title: "Báo cáo trước 4/5", due: "2026-05-04", agency: "STP", ref: "CV 2" },
          "cli",
          r.clock.now(),
        );
        await walk(r, "2026-01-02", "2026-05-10");

        expect(await sentDays(r, COMMUNE, "report", "q-commune")).toEqual([
          "2026-03-06 2026Q1@10",
          "2026-03-17 2026Q1@3",
          "2026-03-19 2026Q1@1",
        ]);
        expect(await sentDays(r, DEPT, "report", "q-district")).toEqual([
          "2026-03-11 2026Q1@10",
          "2026-03-20 2026Q1@3",
          "2026-03-24 2026Q1@1",
        ]);
        // Tết 2026: off 14–22/2. Five working days before Monday 23/2 is 9/2; one is Friday 13/2.
        expect(await sentDays(r, COMMUNE, "custom", `c${tet.id}`)).toEqual([
          "2026-02-09 2026-02-23@5",
          "2026-02-13 2026-02-23@1",
        ]);
        // 27/4 (Hùng Kings, substitute), 30/4 and 1/5 are off: 22/4 and 29/4.
        expect(await sentDays(r, DEPT, "custom", `c${may.id}`)).toEqual([
          "2026-04-22 2026-05-04@5",
          "2026-04-29 2026-05-04@1",
        ]);
        // Never on a day off, never before 07:30, at most one digest per group and day.
        for (const s of r.sent) expect(calendar.isWorkingDay(s.day)).toBe(true);
        const perDay = new Map<string, number>();
        for (const s of r.sent)
          perDay.set(`${s.chat} ${s.day}`, (perDay.get(`${s.chat} ${s.day}`) ?? 0) + 1);
        expect(Math.max(...perDay.values())).toBe(1);
        expect((await r.store.deliveries()).every((d) => d.status === "sent")).toBe(true);
        expect(r.sent.find((s) => s.day === "2026-03-06" && s.chat === COMMUNE)!.text).toContain(
          "Báo cáo quý về kiểm soát TTHC (cấp xã)",
        );
      });

      it("reminds of PAKN cases: due soon, overdue (again every 5 working days), progress", async () => {
        const r = await setUp(engine, vn("2026-01-05", "09:00"));
        const c = await r.feedback.fileCase({
          channel: "web",
          userId: "u1",
          text: "Cán bộ xã yêu cầu nộp thêm giấy tờ không có trong quy định.",
        });
        await r.feedback.assign(c.ref, { agency: "UBND cấp xã", actor: "staff:test" });
        const due = localDate(new Date((await r.feedback.staffView(c.ref)).dueAt));
        expect(due).toBe("2026-01-26"); // 20 days → Sunday 25/1 → Monday 26/1
        await walk(r, "2026-01-05", "2026-02-06");
        expect(await sentDays(r, COMMUNE, "pakn_due_soon", c.ref)).toEqual([
          "2026-01-21 2026-01-26@3",
          "2026-01-23 2026-01-26@1",
        ]);
        expect(await sentDays(r, COMMUNE, "pakn_overdue", c.ref)).toEqual([
          "2026-01-27 2026-01-26#0",
          "2026-02-03 2026-01-26#1",
        ]);
        expect(await sentDays(r, DEPT, "pakn_due_soon", c.ref)).toEqual([]); // another agency's case
        expect((await sentDays(r, COMMUNE, "pakn_progress_due", c.ref)).length).toBeGreaterThan(0);
      });

      it("catches up after an outage with the latest stage only, and never resends after a restart", async () => {
        const r = await setUp(engine, vn("2026-03-02"));
        await walk(r, "2026-03-02", "2026-03-24", (d) => d >= "2026-03-05" && d < "2026-03-18");
        expect(await sentDays(r, COMMUNE, "report", "q-commune")).toEqual([
          "2026-03-18 2026Q1@3",
          "2026-03-19 2026Q1@1",
        ]);
        expect(await sentDays(r, DEPT, "report", "q-district")).toEqual([
          "2026-03-18 2026Q1@10",
          "2026-03-20 2026Q1@3",
          "2026-03-24 2026Q1@1",
        ]);
        const before = r.sent.length;
        const other = await r.sibling(); // a restarted process on the same database
        await other.dispatcher.tick();
        expect(r.sent.length).toBe(before);
      });

      it("sends once when two processes tick at the same time", async () => {
        const r = await setUp(engine, vn("2026-03-17"));
        const other = await r.sibling();
        const [a, b] = await Promise.all([r.dispatcher.tick(), other.dispatcher.tick()]);
        expect(a.claimed + b.claimed).toBe(2);
        expect(r.sent.map((s) => s.chat).sort()).toEqual([COMMUNE, DEPT].sort());
      });
    },
  );

  describe.skipIf(engine.skip)(`delivery failures (${engine.name})`, () => {
    it("marks a group the bot was removed from and keeps sending to the others", async () => {
      const r = await setUp(engine, vn("2026-03-17"));
      r.failures.set(DEPT, [
        { error_code: 403, description: "Forbidden: bot was kicked from the group chat" },
      ]);
      const t = await r.dispatcher.tick();
      expect(t.failedGroups).toEqual([DEPT]);
      expect(r.sent.map((s) => s.chat)).toEqual([COMMUNE]);
      expect((await r.store.group(DEPT))!.status).toBe("failed");
      r.clock.set(vn("2026-03-19"));
      await r.dispatcher.tick();
      expect(r.sent.map((s) => s.chat)).toEqual([COMMUNE, COMMUNE]);
    });

    it("obeys 429 retry_after and sends once; gives claims back on a network error", async () => {
      const r = await setUp(engine, vn("2026-03-17"));
      r.failures.set(COMMUNE, [
        { error_code: 429, description: "Too Many Requests", parameters: { retry_after: 3 } },
      ]);
      r.failures.set(DEPT, [new Error("socket hang up")]);
      const t = await r.dispatcher.tick();
      expect(t.retries).toBe(1);
      expect(t.released).toBe(1);
      expect(r.sent.map((s) => s.chat)).toEqual([COMMUNE]);
      r.clock.set(vn("2026-03-17", "08:15"));
      await r.dispatcher.tick();
      expect(r.sent.map((s) => s.chat)).toEqual([COMMUNE, DEPT]);
    });
  });
}
