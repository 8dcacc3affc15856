/**
 * The dialogue's stores on SqlDatabase, run on both engines (test/helpers/engines.ts): the
 * conversation state and answers shown (src/dialogue/store.ts), the web chat's inbox
 * (src/dialogue/inbox.ts) and the question log (src/db/questions.ts).
 */
import { describe, expect, it } from "vitest";
import { createSqlQuestionLog } from "../../src/db/index.ts";
import { createConversationStore, createInbox } from "../../src/dialogue/index.ts";
import { ENGINES } from "../helpers/engines.ts";

const T0 = new Date("2026-03-02T02:00:00Z");
const later = (ms: number) => new Date(T0.getTime() + ms);

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`dialogue stores on ${engine.name}`, () => {
    it("saves and loads a user's state, replacing it; expired pieces are dropped on load", async () => {
      const sql = await engine.open();
      try {
        const store = createConversationStore(sql);
        expect(await store.load("telegram", "u1", T0)).toEqual({});
        const last = { code: "1.001193", name: "Đăng ký khai sinh", at: T0.toISOString() };
        await store.save("telegram", "u1", { last, handedOff: true }, T0);
        await store.save("telegram", "u1", { last }, T0);
        expect(await store.load("telegram", "u1", T0)).toEqual({ last });
        // Another user, another channel: their own states.
        expect(await store.load("zalo", "u1", T0)).toEqual({});
        expect(await store.load("telegram", "u2", T0)).toEqual({});
        // "last" lives an hour.
        expect(await store.load("telegram", "u1", later(61 * 60_000))).toEqual({});
        const rows = await sql.all<{ n: number }>(`SELECT count(*) AS n FROM dialogue_state`);
        expect(Number(rows[0]!.n)).toBe(1);
      } finally {
        await sql.close();
      }
    });

    it("an unreadable stored state loads as a new conversation", async () => {
      const sql = await engine.open();
      try {
        await sql.run(
          `INSERT INTO dialogue_state (channel, user_id, state, updated_at) VALUES (?, ?, ?, ?)`,
          ["web", "w1", "{not json", T0.toISOString()],
        );
        expect(await createConversationStore(sql).load("web", "w1", T0)).toEqual({});
      } finally {
        await sql.close();
      }
    });

    it("records answers masked; an answer is found only for the user it was shown to", async () => {
      const sql = await engine.open();
      try {
        const store = createConversationStore(sql);
        const id = await store.recordAnswer(
          "zalo",
          "z1",
          { procedureCode: "1.001193", aspect: "fees", question: "khai sinh, gọi 0912345678" },
          T0,
        );
        const other = await store.recordAnswer(
          "zalo",
          "z1",
          { procedureCode: "2.002001", aspect: "overview", question: null },
          T0,
        );
        expect(typeof id).toBe("number");
        expect(other).toBeGreaterThan(id);
        const found = await store.answer("zalo", "z1", id);
        expect(found).toMatchObject({ id, procedureCode: "1.001193", aspect: "fees" });
        expect(found?.questionMasked).not.toContain("0912345678");
        expect(await store.answer("zalo", "z1", other)).toMatchObject({ questionMasked: null });
        expect(await store.answer("zalo", "someone-else", id)).toBeUndefined();
        expect(await store.answer("telegram", "z1", id)).toBeUndefined();
        expect(await store.answer("zalo", "z1", 999_999_999_999)).toBeUndefined();
        expect(await store.answer("zalo", "z1", Number.MAX_VALUE)).toBeUndefined();
      } finally {
        await sql.close();
      }
    });

    it("the inbox stores a message once per key, hands it out once, and prunes old ones", async () => {
      const sql = await engine.open();
      try {
        let now = T0;
        const inbox = createInbox(sql, () => now);
        const send = inbox.sender("web");
        await send("w1", { text: "một" }, { idempotencyKey: "k1" });
        await send("w1", { text: "một" }, { idempotencyKey: "k1" }); // the outbox resent it
        await send("w1", { text: "hai", buttons: [[{ label: "Xem", action: "status:x" }]] });
        await send("w2", { text: "của người khác" });
        expect(await inbox.pending("web", "w1")).toBe(2);
        expect(await inbox.take("web", "w1", 1)).toEqual([{ text: "một" }]);
        expect(await inbox.take("web", "w1")).toEqual([
          { text: "hai", buttons: [[{ label: "Xem", action: "status:x" }]] },
        ]);
        expect(await inbox.take("web", "w1")).toEqual([]);
        expect(await inbox.pending("web", "w1")).toBe(0);
        expect(await inbox.pending("web", "w2")).toBe(1);
        now = later(86_400_000);
        await send("w2", { text: "mới" });
        expect(await inbox.prune(later(1000))).toBe(3);
        expect(await inbox.take("web", "w2")).toEqual([{ text: "mới" }]);
      } finally {
        await sql.close();
      }
    });

    it("two instances polling one inbox at once hand each message out once", async () => {
      const target = await engine.target();
      const [a, b] = [await target.open(), await target.open()];
      try {
        const [ia, ib] = [createInbox(a, () => T0), createInbox(b, () => T0)];
        for (let i = 0; i < 30; i++) await ia.sender("web")("w1", { text: `m${i}` });
        const taken: string[] = [];
        for (let round = 0; round < 4; round++) {
          const got = await Promise.all([ia.take("web", "w1", 10), ib.take("web", "w1", 10)]);
          taken.push(...got.flat().map((m) => m.text));
        }
        expect(taken.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `m${i}`).sort());
      } finally {
        await a.close();
        await b.close();
      }
    });

    it("the question log stores questions masked, latest first", async () => {
      const sql = await engine.open();
      try {
        const log = createSqlQuestionLog(sql);
        const first = await log.record({
          askedAt: T0,
          channel: "web",
          question: "CCCD 001203004567 cấp lại thế nào?",
          intent: "procedure",
          topCode: "1.001193",
          confidence: "sure",
        });
        const second = await log.record({
          askedAt: later(1000),
          channel: "zalo",
          question: "chào",
        });
        expect(second).toBeGreaterThan(first);
        const rows = await log.recent(10);
        expect(rows.map((r) => r.id)).toEqual([second, first]);
        expect(rows[1]).toMatchObject({
          askedAt: T0.toISOString(),
          channel: "web",
          intent: "procedure",
          topCode: "1.001193",
          confidence: "sure",
        });
        expect(rows[1]!.questionMasked).toBe("CCCD [id-number] cấp lại thế nào?");
        expect(rows[0]).toMatchObject({ intent: null, topCode: null, confidence: null });
        expect(await log.recent(1)).toHaveLength(1);
      } finally {
        await sql.close();
      }
    });
  });
}
