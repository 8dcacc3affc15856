import { describe, expect, it } from "vitest";
import { createSqliteSql } from "../../src/db/index.ts";
import { createReminders, type ReminderSender } from "../../src/reminders/index.ts";
import { tempDbFile } from "../feedback/helpers.ts";
import { agencies, calendar, rules, vn } from "./helpers.ts";

describe("createReminders", () => {
  it("start() schedules the cron task and catches up at once; stop() waits for the tick", async () => {
    const sql = createSqliteSql({ file: tempDbFile() });
    const sent: string[] = [];
    const sender: ReminderSender = {
      send: async (chat) => (sent.push(chat), { messageId: sent.length }),
    };
    const now = () => new Date(vn("2026-03-17", "09:00"));
    const reminders = createReminders({
      sql,
      rules,
      agencies,
      calendar,
      now,
      cases: () => [],
      sender,
    });
    await reminders.store.requestLink("-42", "X-UBND", null, "tg:1", now());
    await reminders.store.approve("-42", "cli", now());
    reminders.start();
    await new Promise((r) => setTimeout(r, 50));
    await reminders.stop();
    expect(sent).toEqual(["-42"]);
    await sql.close();
  });
});
