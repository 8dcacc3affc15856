/**
 * Reminders on SQLite when another connection takes the write lock while a digest is being sent:
 * the "sent" mark waits in the SqlDatabase's write gate (injected time) instead of taking the
 * delivered digest for a failed one, so it does not go out again once its claim goes stale.
 */
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createSqliteSql } from "../../src/db/index.ts";
import {
  createReminderDispatcher,
  createReminderStore,
  createSendLimiter,
  type ReminderSender,
} from "../../src/reminders/index.ts";
import { tempDbFile } from "../feedback/helpers.ts";
import { manualTime } from "../helpers/manual-time.ts";
import { agencies, calendar, rules, vn } from "./helpers.ts";

describe("reminders with a lock taken during a send", () => {
  it("mark the digest sent once the lock is released, and never send it twice", async () => {
    const file = tempDbFile();
    const time = manualTime();
    const sql = createSqliteSql({ file, gate: time });
    const holder = new BetterSqlite3(file);
    let at = new Date(vn("2026-03-17", "09:00"));
    const now = () => at;
    const sent: string[] = [];
    const sender: ReminderSender = {
      send: async (chat) => {
        sent.push(chat);
        holder.exec("BEGIN IMMEDIATE"); // an admin's sqlite3 takes the lock meanwhile
        return { messageId: sent.length };
      },
    };
    const store = createReminderStore(sql, agencies);
    await store.requestLink("-42", "X-UBND", null, "tg:1", now());
    await store.approve("-42", "cli", now());
    const dispatcher = createReminderDispatcher({
      store,
      rules,
      calendar,
      agencies,
      cases: () => [],
      sender,
      limiter: createSendLimiter({ now: () => at.getTime() }),
      now,
    });
    try {
      let result: { messages: number } | undefined;
      const tick = dispatcher.tick().then((r) => (result = r));
      await time.advance(5_000);
      expect(result).toBeUndefined(); // the mark waits
      holder.exec("COMMIT");
      await time.advance(250);
      await tick;
      expect(result).toMatchObject({ messages: 1, released: 0 });
      // Two hours later, past the 30-minute stale-claim window: the digest is not sent again.
      at = new Date(at.getTime() + 2 * 3600_000);
      await dispatcher.tick();
      expect(sent).toEqual(["-42"]);
    } finally {
      holder.close();
      await sql.close();
    }
  });
});
