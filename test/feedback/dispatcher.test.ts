import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/index.ts";
import {
  PermanentDeliveryError,
  createOutboxDispatcher,
  renderNotification,
  type OutboxMessage,
} from "../../src/feedback/index.ts";
import { TEXT, makeQueue } from "./helpers.ts";

const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

function setup() {
  const q = makeQueue();
  open.push(q.db);
  const file = (channel: string, userId: string) => {
    const { ref } = q.queue.fileCase({ channel, userId, text: TEXT });
    q.queue.changeStatus(ref, { to: "accepted", actor: "staff:lan" });
    return ref;
  };
  return { ...q, file };
}

const row = (db: Database, key: string) =>
  db.prepare("SELECT * FROM feedback_outbox WHERE idempotency_key = ?").get(key) as {
    attempts: number;
    sent_at: string | null;
    failed_at: string | null;
    next_attempt_at: string;
    last_error: string | null;
  };

describe("outbox dispatcher", () => {
  it("sends each message once through its channel, with the idempotency key", async () => {
    const { db, clock, file } = setup();
    const ref = file("telegram", "t1");
    file("zalo", "z1");
    const sent: OutboxMessage[] = [];
    const d = createOutboxDispatcher({
      db,
      now: clock.now,
      senders: { telegram: async (m) => void sent.push(m) },
    });
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
    expect(d.pending()).toBe(1); // the zalo one waits for a zalo sender
  });

  it("retries with backoff, then gives up after maxAttempts", async () => {
    const { db, clock, file } = setup();
    const ref = file("telegram", "t1");
    let calls = 0;
    const d = createOutboxDispatcher({
      db,
      now: clock.now,
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
    expect(row(db, `${ref}:v2`)).toMatchObject({
      attempts: 1,
      next_attempt_at: "2026-03-02T02:01:00.000Z",
    });
    expect(row(db, `${ref}:v2`).last_error).not.toContain("0912345678");
    expect(await d.drainOnce()).toEqual({ sent: 0, retried: 0, failed: 0 }); // not due yet
    clock.set("2026-03-02T02:01:00Z");
    expect(await d.drainOnce()).toEqual({ sent: 0, retried: 1, failed: 0 });
    clock.set("2026-03-02T02:05:00Z");
    expect(await d.drainOnce()).toEqual({ sent: 0, retried: 0, failed: 1 });
    clock.set("2026-03-03T00:00:00Z");
    expect(await d.drainOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(calls).toBe(3);
    expect(row(db, `${ref}:v2`).failed_at).not.toBeNull();
  });

  it("a permanent error stops retries at once", async () => {
    const { db, clock, file } = setup();
    const ref = file("telegram", "t1");
    const d = createOutboxDispatcher({
      db,
      now: clock.now,
      senders: {
        telegram: async () => {
          throw new PermanentDeliveryError("bot was blocked by the user");
        },
      },
    });
    expect(await d.drainOnce()).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect(row(db, `${ref}:v2`)).toMatchObject({
      attempts: 1,
      last_error: "bot was blocked by the user",
    });
  });

  it("two dispatchers draining at once send nothing twice", async () => {
    const { db, clock, file } = setup();
    for (let i = 0; i < 10; i++) file("telegram", `t${i}`);
    const sent: string[] = [];
    const slowSender = async (m: OutboxMessage) => {
      await new Promise((r) => setImmediate(r));
      sent.push(m.idempotencyKey);
    };
    const mk = () =>
      createOutboxDispatcher({
        db,
        now: clock.now,
        batchSize: 4,
        senders: { telegram: slowSender },
      });
    const a = mk();
    const b = mk();
    for (let round = 0; round < 4; round++) await Promise.all([a.drainOnce(), b.drainOnce()]);
    expect(sent).toHaveLength(10);
    expect(new Set(sent).size).toBe(10);
  });

  it("keeps a case's messages in order: a later one waits while an earlier one is retried", async () => {
    const { db, clock, queue } = setup();
    const { ref } = queue.fileCase({ channel: "telegram", userId: "t1", text: TEXT });
    queue.changeStatus(ref, { to: "accepted", actor: "staff:lan" });
    queue.changeStatus(ref, { to: "in_progress", actor: "staff:lan" });
    let fail = true;
    const sent: string[] = [];
    const d = createOutboxDispatcher({
      db,
      now: clock.now,
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
    const { db, clock, file } = setup();
    const ref = file("telegram", "t1");
    // The first dispatcher claims, then its process "dies" inside send (never resolves).
    const stuck = createOutboxDispatcher({
      db,
      now: clock.now,
      leaseMs: 60_000,
      senders: { telegram: () => new Promise<void>(() => {}) },
    });
    void stuck.drainOnce();
    const sent: string[] = [];
    const next = createOutboxDispatcher({
      db,
      now: clock.now,
      senders: { telegram: async (m) => void sent.push(m.idempotencyKey) },
    });
    expect((await next.drainOnce()).sent).toBe(0); // leased
    clock.set("2026-03-02T02:01:00Z");
    expect((await next.drainOnce()).sent).toBe(1);
    expect(sent).toEqual([`${ref}:v2`]);
  });
});
