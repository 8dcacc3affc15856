/**
 * The queue's background jobs while another connection holds the write lock: the outbox tick is
 * skipped (one warning, none again until a tick goes through) and the next tick after the lock
 * is released sends. Real SQLite file and dispatcher; the intervals run on vitest's fake timers,
 * the write gate on injected time.
 */
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createWriteGate, isBusyError, type Database } from "../../src/db/index.ts";
import {
  createOutboxDispatcher,
  startFeedbackJobs,
  type OutboxMessage,
} from "../../src/feedback/index.ts";
import { manualTime } from "../helpers/manual-time.ts";
import { TEXT, makeQueue } from "./helpers.ts";

const open: { close(): void; open: boolean }[] = [];
let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  vi.useRealTimers();
  for (const db of open.splice(0)) if (db.open) db.close();
});

function setup() {
  const q = makeQueue();
  q.db.pragma("busy_timeout = 0");
  const holder = new BetterSqlite3(q.file);
  open.push(q.db, holder);
  const { ref } = q.queue.fileCase({ channel: "telegram", userId: "t1", text: TEXT });
  q.queue.changeStatus(ref, { to: "accepted", actor: "staff:lan" });
  const sent: OutboxMessage[] = [];
  const dispatcher = createOutboxDispatcher({
    db: q.db as Database,
    now: q.clock.now,
    senders: { telegram: async (m) => void sent.push(m) },
  });
  const busy: string[] = [];
  const errors: unknown[] = [];
  return { ...q, ref, holder, dispatcher, sent, busy, errors };
}

describe("feedback jobs while the database is locked by another connection", () => {
  it("skip the outbox tick with one warning, and send on the first tick after", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const s = setup();
    const jobs = startFeedbackJobs({
      queue: s.queue,
      dispatcher: s.dispatcher,
      drainEveryMs: 1_000,
      onError: (err) => s.errors.push(err),
      onBusy: (err, job) => {
        expect(isBusyError(err)).toBe(true);
        s.busy.push(job);
      },
    });
    stop = jobs.stop;
    s.holder.exec("BEGIN IMMEDIATE");
    await vi.advanceTimersByTimeAsync(5_000);
    expect(s.busy).toEqual(["outbox"]); // five ticks skipped, one warning
    expect(s.sent).toHaveLength(0);
    s.holder.exec("COMMIT");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(s.sent).toHaveLength(1);
    expect(s.errors).toEqual([]);
    // Locked again later, with a notification to send: warned again, once.
    s.queue.changeStatus(s.ref, { to: "in_progress", actor: "staff:lan" });
    s.holder.exec("BEGIN IMMEDIATE");
    await vi.advanceTimersByTimeAsync(3_000);
    expect(s.busy).toEqual(["outbox", "outbox"]);
    s.holder.exec("COMMIT");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(s.sent).toHaveLength(2);
    expect(s.errors).toEqual([]);
  });

  it("do not even try while writes wait in the gate", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const s = setup();
    const time = manualTime();
    const gate = createWriteGate(time);
    s.holder.exec("BEGIN IMMEDIATE");
    // A request's write waits in the gate: the gate knows the lock is taken.
    const waiting = gate.run(() => s.db.prepare("DELETE FROM questions").run());
    expect(gate.busy).toBe(true);
    s.holder.exec("COMMIT");
    let drains = 0;
    const jobs = startFeedbackJobs({
      queue: s.queue,
      dispatcher: { drainOnce: () => (drains++, s.dispatcher.drainOnce()), pending: () => 0 },
      drainEveryMs: 1_000,
      writes: gate,
      onError: (err) => s.errors.push(err),
      onBusy: (_err, job) => s.busy.push(job),
    });
    stop = jobs.stop;
    await vi.advanceTimersByTimeAsync(3_000);
    expect(drains).toBe(0);
    expect(s.busy).toEqual(["outbox"]);
    await time.advance(250); // the waiting write goes through: the gate is free again
    await waiting;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(drains).toBe(1);
    expect(s.sent).toHaveLength(1);
  });
});
