/**
 * The reminder store's contract, on both engines (SQLite files and a real PostgreSQL server): the
 * same calls give the same rows, types and order.
 */
import { describe, expect, it } from "vitest";
import type { SqlDatabase } from "../../src/db/index.ts";
import {
  createReminderStore,
  ReminderInputError,
  type DueReminder,
  type ReminderStore,
} from "../../src/reminders/index.ts";
import { ENGINES } from "../helpers/engines.ts";
import { agencies } from "./helpers.ts";

const T0 = new Date("2026-03-17T01:00:00.000Z");
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const due = (item: string, chat = "-42", period = "2026Q1@3"): DueReminder => ({
  kind: "report",
  agency: "X-UBND",
  chat,
  due: "2026-03-20",
  title: `Báo cáo ${item}`,
  item,
  period,
  reference: "001 §II.12",
  daysLeft: 3,
});

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`reminder store on ${engine.name}`, () => {
    const withStore = async (fn: (store: ReminderStore, sql: SqlDatabase) => Promise<void>) => {
      const sql = await engine.open();
      try {
        await fn(createReminderStore(sql, agencies), sql);
      } finally {
        await sql.close();
      }
    };

    it("group links: request, approve, fail, approve again, re-request, unlink", () =>
      withStore(async (store) => {
        const refused = store.requestLink("-42", "NOPE", null, "tg:1", T0);
        await expect(refused).rejects.toBeInstanceOf(ReminderInputError);
        await expect(refused).rejects.toThrow(/^Mã cơ quan NOPE .* \/ unknown agency NOPE$/);
        await store.requestLink("-42", "X-UBND", "UBND xã A", "tg:1", T0);
        await store.requestLink("-1001", "STP", null, "tg:2", T0);
        await store.requestLink("-100500", "STP", null, "tg:3", T0);
        expect(await store.group("-42")).toEqual({
          chat_id: "-42",
          agency: "X-UBND",
          status: "pending",
          title: "UBND xã A",
          requested_by: "tg:1",
          requested_at: T0.toISOString(),
          approved_by: null,
          approved_at: null,
          failure: null,
          failed_at: null,
        });
        expect(await store.approvedLinks()).toEqual([]);
        expect(await store.approve("-42", "cli", later(1))).toMatchObject({
          status: "approved",
          approved_by: "cli",
          approved_at: later(1).toISOString(),
        });
        expect(await store.approve("-42", "cli", later(2))).toBeNull(); // nothing pending
        expect(await store.approve("-7", "cli", later(2))).toBeNull();
        await store.approve("-1001", "cli", later(1));
        await store.approve("-100500", "cli", later(1));
        // Ordered by chat id byte by byte on both engines.
        expect(await store.approvedLinks()).toEqual([
          { chatId: "-1001", agency: "STP" },
          { chatId: "-100500", agency: "STP" },
          { chatId: "-42", agency: "X-UBND" },
        ]);

        await store.markFailed("-1001", `403 Forbidden ${"x".repeat(300)}`, later(3));
        const failed = await store.group("-1001");
        expect(failed).toMatchObject({ status: "failed", failed_at: later(3).toISOString() });
        expect(failed!.failure).toHaveLength(200);
        expect((await store.groups("failed")).map((g) => g.chat_id)).toEqual(["-1001"]);
        expect((await store.approve("-1001", "cli", later(4)))!.failure).toBeNull();

        // A new /dangky makes the link pending again, approval cleared.
        await store.requestLink("-42", "STP", "UBND xã A", "tg:9", later(5));
        expect(await store.group("-42")).toMatchObject({
          agency: "STP",
          status: "pending",
          approved_by: null,
          approved_at: null,
        });
        expect((await store.groups()).map((g) => g.chat_id)).toEqual(["-1001", "-100500", "-42"]);
        expect(await store.unlink("-42")).toBe(true);
        expect(await store.unlink("-42")).toBe(false);
        expect(await store.group("-42")).toBeUndefined();
      }));

    it("custom deadlines: checked input, ids, due on or after a day, in order", () =>
      withStore(async (store) => {
        const input = { title: "Nộp số liệu", due: "2026-03-20", agency: "STP", ref: "CV 12" };
        for (const [bad, field] of [
          [{ title: "  " }, "title"],
          [{ due: "20/03/2026" }, "due"],
          [{ agency: "NOPE" }, "agency"],
          [{ ref: "" }, "ref"],
        ] as const) {
          await expect(store.addCustom({ ...input, ...bad }, "cli", T0)).rejects.toMatchObject({
            field,
          });
        }
        const a = await store.addCustom(input, "cli", T0);
        const b = await store.addCustom({ ...input, due: "2026-03-18" }, "cli", T0);
        const c = await store.addCustom({ ...input, due: "2026-03-10", title: " Cũ " }, "cli", T0);
        expect(typeof a.id).toBe("number");
        expect(b.id).toBeGreaterThan(a.id);
        expect(c.title).toBe("Cũ");
        expect(await store.customFrom("2026-03-18")).toEqual([
          { id: b.id, title: "Nộp số liệu", due: "2026-03-18", agency: "STP", ref: "CV 12" },
          { id: a.id, title: "Nộp số liệu", due: "2026-03-20", agency: "STP", ref: "CV 12" },
        ]);
      }));

    it("items done: recorded once", () =>
      withStore(async (store) => {
        await store.markDone("STP", "report", "q-district", "2026Q1", "staff:tg.1", T0);
        await store.markDone("STP", "report", "q-district", "2026Q1", "staff:tg.2", later(1));
        await store.markDone("STP", "custom", "c1", "2026-03-20", "staff:tg.1", T0);
        expect([...(await store.doneKeys())].sort()).toEqual([
          "STP|custom|c1|2026-03-20",
          "STP|report|q-district|2026Q1",
        ]);
      }));

    it("deliveries: claimed once, released, sent, failed, stale claims released", () =>
      withStore(async (store) => {
        const won = await store.claim([due("a"), due("b")], T0);
        expect(won.map((d) => [d.item, d.status, d.claimed_at])).toEqual([
          ["a", "claimed", T0.toISOString()],
          ["b", "claimed", T0.toISOString()],
        ]);
        expect(typeof won[0]!.id).toBe("number");
        expect(await store.claim([], T0)).toEqual([]);
        // Claimed already: nothing; a new item of the same group: only that one.
        expect((await store.claim([due("a"), due("c")], T0)).map((d) => d.item)).toEqual(["c"]);
        const [a, b, c] = [won[0]!, won[1]!, (await store.deliveries())[2]!];

        await store.markSent([a.id, b.id], 4_000_000_001, later(1));
        expect(await store.delivery(a.id)).toMatchObject({
          status: "sent",
          message_id: 4_000_000_001,
          sent_at: later(1).toISOString(),
        });
        await store.release([a.id, c.id]); // a sent one stays
        expect((await store.deliveries()).map((d) => d.item)).toEqual(["a", "b"]);
        const again = await store.claim([due("c")], later(2));
        expect(again).toHaveLength(1);
        expect(again[0]!.id).not.toBe(c.id);
        await store.markDeliveryFailed([again[0]!.id]);
        expect((await store.delivery(again[0]!.id))!.status).toBe("failed");

        const stale = await store.claim([due("d")], later(3));
        expect(await store.releaseStale(later(3))).toBe(0); // not older than itself
        expect(await store.releaseStale(later(4))).toBe(1);
        expect(await store.delivery(stale[0]!.id)).toBeUndefined();
        expect((await store.deliveries()).map((d) => [d.item, d.status])).toEqual([
          ["a", "sent"],
          ["b", "sent"],
          ["c", "failed"],
        ]);
        await store.markSent([], 1, T0); // nothing to do
      }));

    it("button presses are audited", () =>
      withStore(async (store) => {
        const [d] = await store.claim([due("a")], T0);
        const row = {
          delivery_id: d!.id,
          chat_id: "-42",
          user_id: "77",
          user_name: "Nguyễn Văn A",
          action: "done" as const,
          outcome: "ok",
          at: later(1).toISOString(),
        };
        await store.audit(row);
        await store.audit({ ...row, action: "view", outcome: "error:Error" });
        const actions = await store.actions();
        expect(actions.map(({ id: _id, ...rest }) => rest)).toEqual([
          row,
          { ...row, action: "view", outcome: "error:Error" },
        ]);
        expect(typeof actions[0]!.id).toBe("number");
      }));
  });
}
