/**
 * The outbox dispatcher when another connection takes the write lock while a notification is
 * being sent: the "sent" mark waits for the lock (through the write gate, injected time) instead
 * of counting the delivered message as failed and sending it again.
 */
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createWriteGate } from "../../src/db/index.ts";
import { createOutboxDispatcher, type OutboxMessage } from "../../src/feedback/index.ts";
import { manualTime } from "../helpers/manual-time.ts";
import { TEXT, makeQueue } from "./helpers.ts";

const open: { close(): void; open: boolean }[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

describe("outbox dispatcher with a lock taken during a send", () => {
  it("marks the message sent once the lock is released, and never sends it twice", async () => {
    const q = makeQueue();
    q.db.pragma("busy_timeout = 0");
    const holder = new BetterSqlite3(q.file);
    open.push(q.db, holder);
    const { ref } = q.queue.fileCase({ channel: "telegram", userId: "t1", text: TEXT });
    q.queue.changeStatus(ref, { to: "accepted", actor: "staff:lan" });

    const time = manualTime();
    const sent: OutboxMessage[] = [];
    const dispatcher = createOutboxDispatcher({
      db: q.db,
      now: q.clock.now,
      writes: createWriteGate(time),
      senders: {
        telegram: async (m) => {
          sent.push(m);
          holder.exec("BEGIN IMMEDIATE"); // an admin's sqlite3 takes the lock meanwhile
        },
      },
    });
    let result: unknown;
    const drain = dispatcher.drainOnce().then((r) => (result = r));
    await time.advance(5_000);
    expect(result).toBeUndefined(); // the mark waits
    holder.exec("COMMIT");
    await time.advance(250);
    await drain;
    expect(result).toEqual({ sent: 1, retried: 0, failed: 0 });
    const row = q.db.prepare("SELECT attempts, sent_at, last_error FROM feedback_outbox").get() as {
      attempts: number;
      sent_at: string | null;
      last_error: string | null;
    };
    expect(row).toMatchObject({ attempts: 1, last_error: null });
    expect(row.sent_at).not.toBeNull();
    // Even after the lease, nothing is sent again.
    q.clock.advanceDays(1);
    expect(await dispatcher.drainOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(sent).toHaveLength(1);
  });
});
