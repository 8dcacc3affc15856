import type { InlineKeyboardMarkup } from "grammy/types";
import { localDate } from "../../src/calendar/index.ts";
import { createSqliteSql, type SqlDatabase } from "../../src/db/index.ts";
import type { FeedbackStore } from "../../src/feedback/index.ts";
import {
  createReminderDispatcher,
  createReminderStore,
  createSendLimiter,
  feedbackCases,
  loadAgencies,
  loadReminderRules,
  type ReminderDispatcher,
  type ReminderSender,
  type ReminderStore,
} from "../../src/reminders/index.ts";
import type { TestEngine } from "../helpers/engines.ts";
import { calendar, clock, storeOn, tempDbFile, type Clock } from "../feedback/helpers.ts";
import { memoryLogger } from "../web/helpers.ts";

export const rules = loadReminderRules();
export const agencies = loadAgencies();
export { calendar };

export interface Sent {
  chat: string;
  text: string;
  keyboard: InlineKeyboardMarkup | undefined;
  day: string;
}

export interface Instance {
  sql: SqlDatabase;
  store: ReminderStore;
  dispatcher: ReminderDispatcher;
}

export interface Rig extends Instance {
  clock: Clock;
  /** The PAKN store the reminders read (through feedbackCases), on its own SQLite file. */
  feedback: FeedbackStore;
  sent: Sent[];
  /** Throws this (once per entry) instead of sending, by chat. */
  failures: Map<string, unknown[]>;
  /** What every instance's dispatcher logged at warn or above (a failed group, a deadlock…). */
  warnings(): Record<string, unknown>[];
  /** Another instance (process) on the same database, same clock, PAKN store and sender. */
  sibling(): Promise<Instance>;
  /** Closes every instance opened. */
  close(): Promise<void>;
}

/** The reminders on `engine`: one instance, more with sibling(). */
export async function rig(engine: TestEngine, at: string): Promise<Rig> {
  const target = await engine.target();
  const feedbackSql = createSqliteSql({ file: tempDbFile() });
  const c = clock(at);
  const feedback = storeOn(feedbackSql, c);
  const sent: Sent[] = [];
  const failures = new Map<string, unknown[]>();
  const sender: ReminderSender = {
    async send(chat, text, keyboard) {
      await Promise.resolve();
      const f = failures.get(chat)?.shift();
      if (f) throw f;
      sent.push({ chat, text, keyboard, day: localDate(c.now()) });
      return { messageId: sent.length };
    },
  };
  const log = memoryLogger();
  const opened: SqlDatabase[] = [];
  const instance = async (): Promise<Instance> => {
    const sql = await target.open();
    opened.push(sql);
    const store = createReminderStore(sql, agencies);
    const dispatcher = createReminderDispatcher({
      store,
      rules,
      calendar,
      agencies,
      cases: () => feedbackCases(feedback),
      sender,
      limiter: createSendLimiter({ now: () => c.now().getTime() }),
      now: c.now,
      logger: log.logger,
      // Waiting moves the injected clock (a frozen clock would wait for ever).
      sleep: async (ms) => c.set(new Date(c.now().getTime() + ms).toISOString()),
    });
    return { sql, store, dispatcher };
  };
  const main = await instance();
  return {
    ...main,
    clock: c,
    feedback,
    sent,
    failures,
    warnings: () => log.lines().filter((l) => Number(l.level) >= 40),
    sibling: instance,
    async close() {
      // An instance a test closed itself (a crash) is closed again here: ignored.
      for (const sql of opened.splice(0)) await sql.close().catch(() => undefined);
      await feedbackSql.close();
    },
  };
}

/** Vietnamese local time → ISO instant. */
export const vn = (date: string, time = "08:00") => `${date}T${time}:00+07:00`;

export function* days(from: string, to: string): Generator<string> {
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`);) {
    yield d.toISOString().slice(0, 10);
    d = new Date(d.getTime() + 86_400_000);
  }
}
