/**
 * What the retention purge changes, kind by kind, as SQL over the schema of src/db/migrations.ts
 * (SQLite) and src/db/pg-migrations/ (PostgreSQL: the same tables and columns).
 * Each kind runs in one transaction; each step has a count (what it would change) and an apply
 * sharing the same condition, so a dry run counts exactly what a real run changes. Every
 * condition excludes what is already anonymised: a second run changes nothing.
 *
 * The same SQL runs on SQLite and PostgreSQL (src/db/sql.ts). It is written with two named
 * parameters, @cutoff (ISO 8601 UTC: older than this is past retention) and @marker (the text put
 * where personal text was), turned into `?` and their values in order (`Statement`). User ids
 * become `anonymised:<row id>` (unique, so UNIQUE keys hold; the same on every run, so a row
 * anonymised twice, by two instances at once, ends the same).
 *
 * Times are compared as text, on both engines: every time the stores write is
 * `Date.toISOString()` (one width, one format), so byte order (SQLite, PostgreSQL's "C" columns)
 * and the collation of a PostgreSQL database created with a locale (its other TEXT columns) order
 * them alike; test/privacy/purge.test.ts runs the purge on a vi-VN database too.
 */
import { allowedNext, STATUSES } from "../feedback/index.ts";

/** What replaces free text written by (or about) a citizen. */
export const ANONYMISED_TEXT = "[đã ẩn danh / anonymised]";
/** The prefix of a user id replaced by the purge. */
export const ANONYMISED_USER = "anonymised:";

/** The counters of one purge, one per table-level change. */
export interface PurgeCounts {
  /**
   * PAKN cases closed or rejected before the cutoff: citizen text, contact and user id replaced,
   * the Idempotency-Key's hashes cleared.
   */
  cases: number;
  /** Sent or abandoned notifications of those cases: recipient id replaced. */
  notifications: number;
  /** Conversation state of users idle since before the cutoff (no open hand-over): deleted. */
  conversations: number;
  /** Hand-over context (recent answers, misses) of users idle since before the cutoff: deleted. */
  conversationContext: number;
  /** Procedure answers shown before the cutoff: question and user id removed. */
  answers: number;
  /** Answer ratings given before the cutoff: comment, question and user id removed. */
  ratings: number;
  /** Logged questions asked before the cutoff: the masked question replaced. */
  questions: number;
  /** Hand-over tickets closed before the cutoff: summary and user id replaced. */
  tickets: number;
  /** Messages of those tickets (citizen, officer and bot alike): text replaced. */
  ticketMessages: number;
  /** Messages a channel refused, stored before the cutoff: text and user id replaced. */
  undelivered: number;
  /** Web chat notifications stored before the cutoff: deleted. */
  inbox: number;
  /** Officials' reminders about those cases: the case's text in the title removed. */
  reminders: number;
}

export type Counter = keyof PurgeCounts;

/** The values of the named parameters. */
export interface PurgeParams {
  cutoff: string;
  marker: string;
}

/** SQL with `?` placeholders, and which parameter each one takes. */
export interface Statement {
  sql: string;
  params: readonly (keyof PurgeParams)[];
}

export interface Step {
  counter: Counter;
  /** SELECT count(*) AS n … */
  count: Statement;
  /** UPDATE or DELETE with the same condition. */
  apply: Statement;
}

export interface Kind {
  name: string;
  /** Run in this order, in one transaction. */
  steps: readonly Step[];
}

/** Final statuses (no transition out): the case is over. From src/feedback/status.ts. */
export const FINAL_STATUSES = STATUSES.filter((s) => allowedNext(s).length === 0);

const sqlList = (values: readonly string[]) =>
  values
    .map((v) => {
      if (!/^[a-z_]+$/.test(v)) throw new Error(`not a status: ${v}`);
      return `'${v}'`;
    })
    .join(", ");

const anonymisedUser = (column = "user_id") => `${column} LIKE '${ANONYMISED_USER}%'`;
const newUser = `'${ANONYMISED_USER}' || id`;

/**
 * A final case (of table or alias `t`) not yet anonymised, whose last change (its closing: nothing
 * changes a final case) is before the cutoff, with no notification still being delivered. The
 * cheap tests come first: a daily run over cases already done or recent reads no history.
 */
const caseDue = (t: string) => `${t}.status IN (${sqlList(FINAL_STATUSES)})
  AND (${t}.text <> @marker OR ${t}.text_masked <> @marker OR ${t}.contact IS NOT NULL
    OR NOT ${anonymisedUser(`${t}.user_id`)})
  AND ${t}.updated_at < @cutoff
  AND COALESCE((SELECT max(h.at) FROM feedback_history h WHERE h.case_id = ${t}.id), '') < @cutoff
  AND NOT EXISTS (SELECT 1 FROM feedback_outbox o WHERE o.case_id = ${t}.id
    AND o.sent_at IS NULL AND o.failed_at IS NULL)`;

const CASE_DUE = caseDue("feedback_cases");

/** The case `c` is anonymised by this run or was by an earlier one. */
const CASE_ANONYMISED = `((${caseDue("c")})
      OR (c.status IN (${sqlList(FINAL_STATUSES)}) AND ${anonymisedUser("c.user_id")}))`;

/** A delivered (or abandoned) notification of a case anonymised now or before. */
const NOTIFICATION_DUE = `NOT ${anonymisedUser()} AND (sent_at IS NOT NULL OR failed_at IS NOT NULL)
  AND EXISTS (SELECT 1 FROM feedback_cases c WHERE c.id = feedback_outbox.case_id
    AND ${CASE_ANONYMISED})`;

/**
 * A reminder about a case anonymised now or before whose title still carries the start of the
 * case's (masked) text: "PAKN-2026-000123: <text>" (src/reminders/planner.ts). Its item is the ref.
 */
const REMINDER_DUE = `kind LIKE 'pakn_%' AND title <> item
  AND EXISTS (SELECT 1 FROM feedback_cases c WHERE c.ref = reminder_deliveries.item
    AND ${CASE_ANONYMISED})`;

const TICKET_DUE = `status = 'closed' AND closed_at < @cutoff
  AND (summary <> @marker OR NOT ${anonymisedUser()})`;

const TICKET_MESSAGE_DUE = `text <> @marker AND ticket_id IN (SELECT id FROM handoff_tickets
  WHERE (${TICKET_DUE}) OR (status = 'closed' AND ${anonymisedUser()}))`;

/** No open hand-over for the conversation: its state says where the citizen's messages go. */
const NO_OPEN_TICKET = (table: string) => `NOT EXISTS (SELECT 1 FROM handoff_tickets t
  WHERE t.channel = ${table}.channel AND t.user_id = ${table}.user_id AND t.status <> 'closed')`;

/** @cutoff and @marker as `?`, in the order they come. */
function statement(text: string): Statement {
  const params: (keyof PurgeParams)[] = [];
  const sql = text.replace(/@(cutoff|marker)\b/g, (_, name: keyof PurgeParams) => {
    params.push(name);
    return "?";
  });
  if (sql.includes("@")) throw new Error(`unknown parameter in ${text}`);
  return { sql, params };
}

/** The values of a statement's `?`, in order. */
export const paramsOf = (s: Statement, values: PurgeParams): string[] =>
  s.params.map((name) => values[name]);

const step = (counter: Counter, table: string, where: string, change: string | null): Step => ({
  counter,
  count: statement(`SELECT count(*) AS n FROM ${table} WHERE ${where}`),
  apply: statement(
    change === null
      ? `DELETE FROM ${table} WHERE ${where}`
      : `UPDATE ${table} SET ${change} WHERE ${where}`,
  ),
});

export const KINDS: readonly Kind[] = [
  {
    name: "pakn",
    steps: [
      // Notifications and reminders first: their condition looks at the cases before these change.
      step("notifications", "feedback_outbox", NOTIFICATION_DUE, `user_id = ${newUser}`),
      step("reminders", "reminder_deliveries", REMINDER_DUE, `title = item`),
      step(
        "cases",
        "feedback_cases",
        CASE_DUE,
        `text = @marker, text_masked = @marker, contact = NULL, user_id = ${newUser},
          idempotency_key_hash = NULL, idempotency_request_hash = NULL`,
      ),
    ],
  },
  {
    name: "handoff",
    steps: [
      step("ticketMessages", "handoff_messages", TICKET_MESSAGE_DUE, `text = @marker`),
      step("tickets", "handoff_tickets", TICKET_DUE, `summary = @marker, user_id = ${newUser}`),
    ],
  },
  {
    name: "conversations",
    steps: [
      step(
        "conversations",
        "dialogue_state",
        `updated_at < @cutoff AND ${NO_OPEN_TICKET("dialogue_state")}`,
        null,
      ),
      step(
        "conversationContext",
        "handoff_context",
        `updated_at < @cutoff AND ${NO_OPEN_TICKET("handoff_context")}`,
        null,
      ),
    ],
  },
  {
    name: "answers",
    steps: [
      step(
        "answers",
        "dialogue_answers",
        `answered_at < @cutoff AND (question_masked IS NOT NULL OR NOT ${anonymisedUser()})`,
        `question_masked = NULL, user_id = ${newUser}`,
      ),
    ],
  },
  {
    name: "ratings",
    steps: [
      step(
        "ratings",
        "answer_ratings",
        `rated_at < @cutoff AND (comment IS NOT NULL OR comment_masked IS NOT NULL
          OR question_masked IS NOT NULL OR NOT ${anonymisedUser()})`,
        `comment = NULL, comment_masked = NULL, question_masked = NULL, user_id = ${newUser}`,
      ),
    ],
  },
  {
    name: "questions",
    steps: [
      step(
        "questions",
        "questions",
        `asked_at < @cutoff AND question_masked <> @marker`,
        `question_masked = @marker`,
      ),
    ],
  },
  {
    name: "undelivered",
    steps: [
      step(
        "undelivered",
        "channel_undelivered",
        `created_at < @cutoff AND (text <> @marker OR NOT ${anonymisedUser()})`,
        `text = @marker, user_id = ${newUser}`,
      ),
    ],
  },
  {
    name: "inbox",
    steps: [step("inbox", "dialogue_inbox", `created_at < @cutoff`, null)],
  },
];

export const COUNTERS: readonly Counter[] = KINDS.flatMap((k) => k.steps.map((s) => s.counter));
