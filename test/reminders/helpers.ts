import type { InlineKeyboardMarkup } from "grammy/types";
import { localDate } from "../../src/calendar/index.ts";
import { openDatabase, type Database } from "../../src/db/index.ts";
import { createFeedbackQueue, type FeedbackQueue } from "../../src/feedback/index.ts";
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
import { PROCEDURES, RULES, calendar, clock, tempDbFile, type Clock } from "../feedback/helpers.ts";

export const rules = loadReminderRules();
export const agencies = loadAgencies();
export { calendar };

export interface Sent {
  chat: string;
  text: string;
  keyboard: InlineKeyboardMarkup | undefined;
  day: string;
}

export interface Rig {
  file: string;
  db: Database;
  clock: Clock;
  queue: FeedbackQueue;
  store: ReminderStore;
  dispatcher: ReminderDispatcher;
  sent: Sent[];
  /** Throws this (once per entry) instead of sending, by chat. */
  failures: Map<string, unknown[]>;
  /** Another process on the same database file, same clock and sender. */
  sibling(): { db: Database; dispatcher: ReminderDispatcher };
}

export function rig(at: string, file = tempDbFile()): Rig {
  const db = openDatabase(file);
  const c = clock(at);
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
  const build = (database: Database) => {
    const queue = createFeedbackQueue({
      db: database,
      now: c.now,
      calendar,
      rules: RULES,
      procedures: PROCEDURES,
    });
    const store = createReminderStore(database, agencies);
    const dispatcher = createReminderDispatcher({
      store,
      rules,
      calendar,
      agencies,
      cases: () => feedbackCases(queue),
      sender,
      limiter: createSendLimiter({ now: () => c.now().getTime() }),
      now: c.now,
      // Waiting moves the injected clock (a frozen clock would wait for ever).
      sleep: async (ms) => c.set(new Date(c.now().getTime() + ms).toISOString()),
    });
    return { queue, store, dispatcher };
  };
  const main = build(db);
  return {
    file,
    db,
    clock: c,
    ...main,
    sent,
    failures,
    sibling() {
      const other = openDatabase(file);
      return { db: other, dispatcher: build(other).dispatcher };
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
