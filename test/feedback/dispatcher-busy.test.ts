/**
 * The outbox dispatcher when another connection takes SQLite's write lock while a notification is
 * being sent: the "sent" mark waits for the lock in the SqlDatabase's write gate (injected time)
 * instead of counting the delivered message as failed and sending it again.
 */
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createSqliteSql, type SqlDatabase } from "../../src/db/index.ts";
import { createSqlOutboxDispatcher, type OutboxMessage } from "../../src/feedback/index.ts";
import { manualTime } from "../helpers/manual-time.ts";
import { TEXT, clock, storeOn, tempDbFile } from "./helpers.ts";

const open: (SqlDatabase | BetterSqlite3.Database)[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

describe("outbox dispatcher with a lock taken during a send", () => {
  it("marks the message sent once the lock is released, and never sends it twice", async () => {
    const file = tempDbFile();
    const time = manualTime();
    const sql = createSqliteSql({ file, gate: time });
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
      senders: {
        telegram: async (m) => {
          sent.push(m);
          holder.exec("BEGIN IMMEDIATE"); // an admin's sqlite3 takes the lock meanwhile
        },
      },
    });
    let result: unknown;
    const drain = dispatcher.drainOnce().then((r) => (result = r));
    await time.advance(4_000); // within the gate's budget (5 s)
    expect(result).toBeUndefined(); // the mark waits
    holder.exec("COMMIT");
    await time.advance(250);
    await drain;
    expect(result).toEqual({ sent: 1, retried: 0, failed: 0 });
    const row = await sql.get<{ attempts: number; sent_at: string | null; last_error: null }>(
      "SELECT attempts, sent_at, last_error FROM feedback_outbox",
    );
    expect(row).toMatchObject({ attempts: 1, last_error: null });
    expect(row!.sent_at).not.toBeNull();
    // Even after the lease, nothing is sent again.
    c.advanceDays(1);
    expect(await dispatcher.drainOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(sent).toHaveLength(1);
  });
});
