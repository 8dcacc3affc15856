/**
 * `reminders plan|run|add|approve|groups|unlink`: the staff's command line for the reminders.
 * `plan` is a dry run (nothing claimed, nothing sent); `run` ticks once and sends.
 */
import { parseArgs } from "node:util";
import { isIsoDate, loadCalendar, type Calendar } from "../calendar/index.ts";
import { openSqlDatabase, type SqlTarget } from "../db/index.ts";
import {
  createDeadlineCalculator,
  createFeedbackStore,
  createProcedureDirectory,
  loadRules,
} from "../feedback/index.ts";
import { feedbackCases } from "./cases.ts";
import type { ReminderSender } from "./dispatcher.ts";
import { loadAgencies, loadReminderRules } from "./rules.ts";
import { createReminders } from "./service.ts";
import { MotcuaError } from "../errors.ts";

export const REMINDERS_USAGE = `  reminders plan [--now ISO] [--json]  what is due now, per group (chat null: no group yet)
  reminders run [--now ISO]           send them now (one digest per group)
  reminders add --title T --due YYYY-MM-DD --agency CODE --ref "văn bản"
                                    a one-off deadline for an agency
  reminders approve CHAT_ID         approve a group's pending /dangky
  reminders groups                  groups and their status
  reminders unlink CHAT_ID          remove a group's link`;

export class RemindersUsageError extends MotcuaError {
  readonly code = "reminders_usage_invalid";
}

export interface RemindersCommandOptions {
  /** The configured database (SQLite file or PostgreSQL); --db FILE names a SQLite file instead. */
  database: () => SqlTarget;
  now: () => Date;
  out: (line: string) => void;
  /** The bot for `run`; undefined when TELEGRAM_BOT_TOKEN is not set. */
  telegram?: () => { token: string; apiRoot?: string | undefined } | undefined;
  /** Tests: instead of Telegram. */
  sender?: ReminderSender;
  calendar?: Calendar;
  rulesFile?: string;
  agenciesFile?: string;
}

function parseNow(value: string | undefined, fallback: () => Date): Date {
  if (value === undefined) return fallback();
  // A time without an offset is Vietnam time, whatever the host's zone.
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}+07:00`;
  const d = new Date(zoned);
  if (Number.isNaN(d.getTime()) || !/T\d\d:\d\d/.test(value)) {
    throw new RemindersUsageError(`--now must be an ISO time such as 2026-03-16T08:00+07:00`);
  }
  return d;
}

export async function runRemindersCommand(
  args: readonly string[],
  deps: RemindersCommandOptions,
): Promise<number> {
  const [sub, ...rest] = args;
  // Group chat ids are negative ("-100123…"): not options.
  const chatIds = rest.filter((a) => /^-\d+$/.test(a));
  const parsed = parseArgs({
    args: rest.filter((a) => !/^-\d+$/.test(a)),
    options: {
      now: { type: "string" },
      json: { type: "boolean", default: false },
      title: { type: "string" },
      due: { type: "string" },
      agency: { type: "string" },
      ref: { type: "string" },
      db: { type: "string" },
    },
    allowPositionals: true,
  });
  const values = parsed.values;
  const positionals = [...chatIds, ...parsed.positionals];
  if (!sub || !["plan", "run", "add", "approve", "groups", "unlink"].includes(sub)) {
    throw new RemindersUsageError(`reminders: unknown subcommand ${sub ?? ""}\n${REMINDERS_USAGE}`);
  }
  const now = parseNow(values.now, deps.now);
  const clock = () => (values.now ? now : deps.now());
  const sql = await openSqlDatabase(values.db ? { databaseFile: values.db } : deps.database());
  try {
    const calendar = deps.calendar ?? loadCalendar();
    const feedback = createFeedbackStore({
      sql,
      now: clock,
      deadlines: createDeadlineCalculator(loadRules(), calendar),
      calendar,
      procedures: createProcedureDirectory([]),
    });
    const telegram = sub === "run" && !deps.sender ? deps.telegram?.() : undefined;
    if (sub === "run" && !deps.sender && !telegram) {
      throw new RemindersUsageError("reminders run needs TELEGRAM_BOT_TOKEN");
    }
    const reminders = createReminders({
      sql,
      rules: loadReminderRules(deps.rulesFile),
      agencies: loadAgencies(deps.agenciesFile),
      calendar,
      now: clock,
      cases: () => feedbackCases(feedback),
      feedback,
      ...(deps.sender ? { sender: deps.sender } : {}),
      ...(telegram ? { telegram } : {}),
    });
    const { store, dispatcher } = reminders;
    switch (sub) {
      case "plan": {
        const due = await dispatcher.planNow({ unrouted: true });
        const rows = due.map((r) => ({
          kind: r.kind,
          agency: r.agency,
          chat: r.chat,
          due: r.due,
          title: r.title,
        }));
        if (values.json) deps.out(JSON.stringify(rows));
        else if (rows.length === 0) deps.out("(nothing due)");
        else
          for (const r of rows)
            deps.out(`${r.due}  ${r.chat ?? "(chưa có nhóm)"}  ${r.agency}  ${r.kind}  ${r.title}`);
        return 0;
      }
      case "run": {
        const result = await dispatcher.tick();
        deps.out(JSON.stringify(result));
        return result.released > 0 ? 1 : 0;
      }
      case "add": {
        const { title, due, agency, ref } = values;
        if (!title || !due || !agency || !ref || !isIsoDate(due)) {
          throw new RemindersUsageError(
            "reminders add needs --title, --due YYYY-MM-DD, --agency CODE and --ref",
          );
        }
        const added = await store.addCustom({ title, due, agency, ref }, "cli", deps.now());
        deps.out(JSON.stringify(added));
        return 0;
      }
      case "approve":
      case "unlink": {
        const chat = positionals[0];
        if (!chat || !/^-?\d{1,20}$/.test(chat)) {
          throw new RemindersUsageError(`reminders ${sub} needs a chat id`);
        }
        if (sub === "unlink") {
          deps.out((await store.unlink(chat)) ? `unlinked ${chat}` : `no link for ${chat}`);
          return 0;
        }
        const row = await store.approve(chat, "cli", deps.now());
        if (!row) {
          deps.out(`no pending /dangky for ${chat}`);
          return 1;
        }
        deps.out(`approved ${chat} → ${row.agency}`);
        return 0;
      }
      default: {
        for (const g of await store.groups()) {
          deps.out(`${g.chat_id}  ${g.agency}  ${g.status}  ${g.title ?? ""}  ${g.failure ?? ""}`);
        }
        return 0;
      }
    }
  } finally {
    await sql.close();
  }
}
