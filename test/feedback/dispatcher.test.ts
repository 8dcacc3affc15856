// The PAKN outbox dispatcher on both engines: once per message, retries, giving up, order per case,
// leases. Two instances draining one PostgreSQL database: test/feedback/sql-store.test.ts.
import { afterEach, describe, expect, it } from "vitest";
import type { SqlDatabase } from "../../src/db/index.ts";
import {
  PermanentDeliveryError,
  createSqlOutboxDispatcher,
  renderNotification,
  type OutboxMessage,
  type SqlDispatcherOptions,
} from "../../src/feedback/index.ts";
import { ENGINES, type TestEngine } from "../helpers/engines.ts";
import { TEXT, clock, storeOn } from "./helpers.ts";

const open: SqlDatabase[] = [];
afterEach(async () => {
  for (const sql of open.splice(0)) await sql.close();
});

async function setup(engine: TestEngine) {
  const sql = await engine.open();
  open.push(sql);
  const c = clock("2026-03-02T02:00:00Z");
  const store = storeOn(sql, c);
  const file = async (channel: string, userId: string) => {
    const { ref } = await store.fileCase({ channel, userId, text: TEXT });
    await store.changeStatus(ref, { to: "accepted", actor: "staff:lan" });
    return ref;
  };
  const dispatcher = (options: Omit<SqlDispatcherOptions, "sql" | "now">) =>
    createSqlOutboxDispatcher({ sql, now: c.now, ...options });
  const row = async (key: string) =>
    (await sql.get<{
      attempts: number;
      sent_at: string | null;
      failed_at: string | null;
      next_attempt_at: string;
      last_error: string | null;
    }>("SELECT * FROM feedback_outbox WHERE idempotency_key = ?", [key]))!;
  return { sql, store, clock: c, file, dispatcher, row };
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`outbox dispatcher on ${engine.name}`, () => {
    it("sends each message once through its channel, with the idempotency key", async () => {
      const { file, dispatcher } = await setup(engine);
      const ref = await file("telegram", "t1");
      await file("zalo", "z1");
      const sent: OutboxMessage[] = [];
      const d = dispatcher({ senders: { telegram: async (m) => void sent.push(m) } });
      expect(await d.drainOnce()).toEqual({ sent: 1, retried: 0, failed: 0 });
      expect(await d.drainOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({
        idempotencyKey: `${ref}:v2`,
        channel: "telegram",
        userId: "t1",
      });
      expect(renderNotification(sent[0]!.payload)).toBe(
        `Phản ánh, kiến nghị ${ref}: Đã thụ lý.\nThời hạn xử lý: 23/03/2026.`,
      );
      expect(await d.pending()).toBe(1); // the zalo one waits for a zalo sender
    });

    it("retries with backoff, then gives up after maxAttempts", async () => {
      const { clock, file, dispatcher, row } = await setup(engine);
      const ref = await file("telegram", "t1");
      let calls = 0;
      const d = dispatcher({
        maxAttempts: 3,
        backoffMs: (n) => n * 60_000,
        senders: {
          telegram: async () => {
            calls++;
            throw new Error("502 from api.telegram.org for chat 0912345678");
          },
        },
      });
      expect(await d.drainOnce()).toEqual({ sent: 0, retried: 1, failed: 0 });
      expect(await row(`${ref}:v2`)).toMatchObject({
        attempts: 1,
        next_attempt_at: "2026-03-02T02:01:00.000Z",
      });
      expect((await row(`${ref}:v2`)).last_error).not.toContain("0912345678");
      expect(await d.drainOnce()).toEqual({ sent: 0, retried: 0, failed: 0 }); // not due yet
      clock.set("2026-03-02T02:01:00Z");
      expect(await d.drainOnce()).toEqual({ sent: 0, retried: 1, failed: 0 });
      clock.set("2026-03-02T02:05:00Z");
      expect(await d.drainOnce()).toEqual({ sent: 0, retried: 0, failed: 1 });
      clock.set("2026-03-03T00:00:00Z");
      expect(await d.drainOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
      expect(calls).toBe(3);
      expect((await row(`${ref}:v2`)).failed_at).not.toBeNull();
    });

    it("a permanent error stops retries at once", async () => {
      const { file, dispatcher, row } = await setup(engine);
      const ref = await file("telegram", "t1");
      const d = dispatcher({
        senders: {
          telegram: async () => {
            throw new PermanentDeliveryError("bot was blocked by the user");
          },
        },
      });
      expect(await d.drainOnce()).toEqual({ sent: 0, retried: 0, failed: 1 });
      expect(await row(`${ref}:v2`)).toMatchObject({
        attempts: 1,
        last_error: "bot was blocked by the user",
      });
    });

    it("two dispatchers draining at once send nothing twice", async () => {
      const { file, dispatcher } = await setup(engine);
      for (let i = 0; i < 10; i++) await file("telegram", `t${i}`);
      const sent: string[] = [];
      const slowSender = async (m: OutboxMessage) => {
        await new Promise((r) => setImmediate(r));
        sent.push(m.idempotencyKey);
      };
      const mk = () => dispatcher({ batchSize: 4, senders: { telegram: slowSender } });
      const a = mk();
      const b = mk();
      for (let round = 0; round < 4; round++) await Promise.all([a.drainOnce(), b.drainOnce()]);
      expect(sent).toHaveLength(10);
      expect(new Set(sent).size).toBe(10);
    });

    it("keeps a case's messages in order: a later one waits while an earlier one is retried", async () => {
      const { clock, store, dispatcher } = await setup(engine);
      const { ref } = await store.fileCase({ channel: "telegram", userId: "t1", text: TEXT });
      await store.changeStatus(ref, { to: "accepted", actor: "staff:lan" });
      await store.changeStatus(ref, { to: "in_progress", actor: "staff:lan" });
      let fail = true;
      const sent: string[] = [];
      const d = dispatcher({
        backoffMs: () => 60_000,
        senders: {
          telegram: async (m) => {
            if (fail) throw new Error("timeout");
            sent.push(m.idempotencyKey);
          },
        },
      });
      expect(await d.drainOnce()).toEqual({ sent: 0, retried: 1, failed: 0 });
      fail = false;
      expect(await d.drainOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
      clock.set("2026-03-02T02:01:00Z");
      await d.drainOnce();
      await d.drainOnce();
      expect(sent).toEqual([`${ref}:v2`, `${ref}:v3`]);
    });

    it("a crashed dispatcher's lease expires and the message is sent by the next one", async () => {
      const { clock, file, dispatcher } = await setup(engine);
      const ref = await file("telegram", "t1");
      // The first dispatcher claims, then its process "dies" inside send (never resolves).
      let claimed!: () => void;
      const inSend = new Promise<void>((resolve) => (claimed = resolve));
      const stuck = dispatcher({
        leaseMs: 60_000,
        senders: { telegram: () => (claimed(), new Promise<void>(() => {})) },
      });
      void stuck.drainOnce();
      await inSend;
      const sent: string[] = [];
      const next = dispatcher({
        senders: { telegram: async (m) => void sent.push(m.idempotencyKey) },
      });
      expect((await next.drainOnce()).sent).toBe(0); // leased
      clock.set("2026-03-02T02:01:00Z");
      expect((await next.drainOnce()).sent).toBe(1);
      expect(sent).toEqual([`${ref}:v2`]);
    });
  });
}
