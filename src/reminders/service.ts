/**
 * The reminders module wired: store, dispatcher, Telegram group handler, and a node-cron task
 * (timezone Asia/Ho_Chi_Minh) that ticks on `rules.cron`. `start` also ticks once at once, so what
 * was missed while the process was down goes out as soon as it is back (the planner is state-based:
 * whatever is due and unclaimed is sent). Creating it starts nothing. Instances sharing one
 * PostgreSQL database each run the cron: the claims (src/reminders/store.ts) send each reminder
 * once per group and period, whichever instance ticks first.
 */
import { Api } from "grammy";
import { schedule, validate, type ScheduledTask } from "node-cron";
import type { Calendar } from "../calendar/index.ts";
import { isBusyError, type SqlDatabase } from "../db/index.ts";
import type { Logger } from "../logger.ts";
import type { TelegramGroupHandler } from "../channels/index.ts";
import {
  createReminderDispatcher,
  type ReminderDispatcher,
  type ReminderSender,
} from "./dispatcher.ts";
import { createSendLimiter } from "./limiter.ts";
import type { CaseInfo } from "./planner.ts";
import type { Agency, ReminderRules } from "./rules.ts";
import { createReminderStore, type ReminderStore } from "./store.ts";
import {
  createReminderGroupHandler,
  createTelegramReminderSender,
  type ReminderFeedback,
} from "./telegram.ts";

export interface RemindersOptions {
  /** The reminders' tables: SQLite (the embedded default) or PostgreSQL shared by instances. */
  sql: SqlDatabase;
  rules: ReminderRules;
  agencies: readonly Agency[];
  calendar: Calendar;
  now: () => Date;
  cases: () => readonly CaseInfo[] | Promise<readonly CaseInfo[]>;
  /** Where digests go; or `telegram` to build one from the bot token. */
  sender?: ReminderSender;
  telegram?: { token: string; apiRoot?: string | undefined };
  /** The PAKN store the digest buttons write to. */
  feedback?: ReminderFeedback;
  logger?: Logger;
}

export interface Reminders {
  store: ReminderStore;
  dispatcher: ReminderDispatcher;
  groupHandler: TelegramGroupHandler;
  start(): void;
  stop(): Promise<void>;
}

export function createReminders(deps: RemindersOptions): Reminders {
  const store = createReminderStore(deps.sql, deps.agencies);
  const sender =
    deps.sender ??
    (deps.telegram
      ? createTelegramReminderSender(
          new Api(
            deps.telegram.token,
            deps.telegram.apiRoot ? { apiRoot: deps.telegram.apiRoot } : {},
          ),
        )
      : undefined);
  const dispatcher = createReminderDispatcher({
    store,
    rules: deps.rules,
    calendar: deps.calendar,
    agencies: deps.agencies,
    cases: deps.cases,
    sender: sender ?? {
      send: () => Promise.reject(new Error("no reminder channel configured")),
    },
    limiter: createSendLimiter({ now: () => Date.now() }),
    now: deps.now,
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
  const groupHandler = createReminderGroupHandler({
    store,
    agencies: deps.agencies,
    now: deps.now,
    ...(deps.feedback ? { feedback: deps.feedback } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
  let task: ScheduledTask | null = null;
  /** A tick that found the database locked by another connection is skipped: warned once. */
  let skipping = false;
  const run = () =>
    dispatcher.tick().then(
      (r) => {
        skipping = false;
        if (r.claimed > 0 || r.failedGroups.length > 0) deps.logger?.info(r, "reminders tick");
      },
      (err: unknown) => {
        if (!isBusyError(err)) return deps.logger?.error({ err }, "reminders tick failed");
        if (!skipping) deps.logger?.warn({ err }, "reminders tick skipped: database busy");
        skipping = true;
      },
    );
  return {
    store,
    dispatcher,
    groupHandler,
    start() {
      if (task) return;
      if (!validate(deps.rules.cron)) throw new Error(`invalid reminders cron: ${deps.rules.cron}`);
      task = schedule(deps.rules.cron, run, {
        timezone: deps.rules.timeZone,
        name: "reminders",
        noOverlap: true,
      });
      void run();
    },
    async stop() {
      await task?.destroy();
      task = null;
      await dispatcher.idle().catch(() => undefined);
    },
  };
}
