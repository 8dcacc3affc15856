/**
 * The PAKN store's background jobs while another connection holds SQLite's write lock: a tick
 * whose writes run out of the write gate's budget is skipped (one warning, none again until a tick
 * goes through) and the next tick after the lock is released does the work. Real SQLite file,
 * store and dispatcher; the intervals run on vitest's fake timers, the write gate on injected time.
 */
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSqliteSql, isBusyError, type SqlDatabase } from "../../src/db/index.ts";
import {
  createSqlOutboxDispatcher,
  startFeedbackJobs,
  SYSTEM_PROGRESS_NOTE,
  type OutboxMessage,
} from "../../src/feedback/index.ts";
import { instantTime } from "../helpers/manual-time.ts";
import { TEXT, clock, storeOn, tempDbFile } from "./helpers.ts";

const open: (SqlDatabase | BetterSqlite3.Database)[] = [];
let stop: (() => void) | undefined;
afterEach(async () => {
  stop?.();
  vi.useRealTimers();
  for (const db of open.splice(0)) await db.close();
});

async function setup() {
  const file = tempDbFile();
  // A short budget: a write finding the lock taken gives up at once (injected time).
  const sql = createSqliteSql({ file, gate: { ...instantTime(), budgetMs: 100 } });
  const holder = new BetterSqlite3(file);
  open.push(holder, sql);
  const c = clock("2026-03-02T02:00:00Z");
  const store = storeOn(sql, c);
  const { ref } = await store.fileCase({ channel: "telegram", userId: "t1", text: TEXT });
  await store.changeStatus(ref, { to: "accepted", actor: "staff:lan" });
  const sent: OutboxMessage[] = [];
  const dispatcher = createSqlOutboxDispatcher({
    sql,
    now: c.now,
    senders: { telegram: async (m) => void sent.push(m) },
  });
  const busy: string[] = [];
  const errors: unknown[] = [];
  const jobs = (options: { dispatcher?: typeof dispatcher } = {}) => {
    const started = startFeedbackJobs({
      feedback: store,
      ...options,
      sweepEveryMs: 1_000,
      drainEveryMs: 1_000,
      onError: (err) => errors.push(err),
      onBusy: (err, job) => {
        expect(isBusyError(err)).toBe(true);
        busy.push(job);
      },
    });
    stop = started.stop;
  };
  return { store, clock: c, ref, holder, dispatcher, sent, busy, errors, jobs };
}

describe("feedback jobs while the database is locked by another connection", () => {
  it("skip the outbox tick with one warning, and send on the first tick after", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const s = await setup();
    s.jobs({ dispatcher: s.dispatcher });
    s.holder.exec("BEGIN IMMEDIATE");
    await vi.advanceTimersByTimeAsync(5_000);
    expect(s.busy).toEqual(["outbox"]); // five ticks skipped, one warning
    expect(s.sent).toHaveLength(0);
    s.holder.exec("COMMIT");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(s.sent).toHaveLength(1);
    expect(s.errors).toEqual([]);
    // Locked again later, with a notification to send: warned again, once.
    await s.store.changeStatus(s.ref, { to: "in_progress", actor: "staff:lan" });
    s.holder.exec("BEGIN IMMEDIATE");
    await vi.advanceTimersByTimeAsync(3_000);
    expect(s.busy).toEqual(["outbox", "outbox"]);
    s.holder.exec("COMMIT");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(s.sent).toHaveLength(2);
    expect(s.errors).toEqual([]);
  });

  it("skip the progress sweep with one warning, and sweep on the first tick after", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const s = await setup();
    s.clock.set("2026-03-31T03:00:00Z"); // due 23/3: the first 7-day notice is owed since 30/3
    s.jobs();
    s.holder.exec("BEGIN IMMEDIATE");
    await vi.advanceTimersByTimeAsync(3_000);
    expect(s.busy).toEqual(["progress"]);
    expect((await s.store.staffView(s.ref)).history).toHaveLength(2);
    s.holder.exec("COMMIT");
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await s.store.staffView(s.ref)).history.at(-1)).toMatchObject({
      actor: "system",
      note: SYSTEM_PROGRESS_NOTE,
    });
    expect(s.errors).toEqual([]);
  });
});
