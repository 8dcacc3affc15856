/**
 * The log of questions asked, stored masked: on SqlDatabase (`createSqlQuestionLog`, SQLite or
 * PostgreSQL: the chat's), and on the legacy synchronous connection (`createQuestionLog`: the
 * stateless /api/ask of src/web/app.ts, until it moves), from the same SQL.
 */
import { maskPersonalData } from "../logger.ts";
import type { WriteGate } from "./busy.ts";
import type { Database } from "./database.ts";
import type { SqlDatabase, SqlValue } from "./sql.ts";

/** How long a question waits to be logged while another connection holds the write lock. */
export const QUESTION_LOG_BUDGET_MS = 60_000;

export interface QuestionRecord {
  askedAt: Date;
  channel: string;
  /** The question as the citizen typed it; masked here before it is stored. */
  question: string;
  intent?: string | null;
  topCode?: string | null;
  confidence?: string | null;
}

export interface StoredQuestion {
  id: number;
  askedAt: string;
  channel: string;
  questionMasked: string;
  intent: string | null;
  topCode: string | null;
  confidence: string | null;
}

export interface QuestionLog {
  record(entry: QuestionRecord): number;
  /** Latest first. */
  recent(limit?: number): StoredQuestion[];
}

/** QuestionLog on SqlDatabase. */
export interface SqlQuestionLog {
  record(entry: QuestionRecord): Promise<number>;
  /** Latest first. */
  recent(limit?: number): Promise<StoredQuestion[]>;
}

/** The SQL of the question log, for both engines (aliases quoted: PostgreSQL folds them). */
export const QUESTION_SQL = {
  insert: `INSERT INTO questions (asked_at, channel, question_masked, intent, top_code, confidence)
     VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
  recent: `SELECT id, asked_at AS "askedAt", channel, question_masked AS "questionMasked", intent,
       top_code AS "topCode", confidence
     FROM questions ORDER BY id DESC LIMIT ?`,
} as const;

/** The insert's parameters: the question masked. */
const recordParams = (entry: QuestionRecord): SqlValue[] => [
  entry.askedAt.toISOString(),
  entry.channel,
  maskPersonalData(entry.question),
  entry.intent ?? null,
  entry.topCode ?? null,
  entry.confidence ?? null,
];

export function createQuestionLog(db: Database): QuestionLog {
  const insert = db.prepare<SqlValue[], { id: number }>(QUESTION_SQL.insert);
  const select = db.prepare<[number], StoredQuestion>(QUESTION_SQL.recent);
  return {
    record: (entry) => Number(insert.get(...recordParams(entry))!.id),
    recent: (limit = 50) => select.all(limit),
  };
}

export function createSqlQuestionLog(sql: SqlDatabase): SqlQuestionLog {
  return {
    async record(entry) {
      const row = await sql.get<{ id: number }>(QUESTION_SQL.insert, recordParams(entry));
      return Number(row!.id);
    },
    async recent(limit = 50) {
      const rows = await sql.all<StoredQuestion>(QUESTION_SQL.recent, [limit]);
      return rows.map((r) => ({ ...r, id: Number(r.id) }));
    },
  };
}

/**
 * `record` without waiting: the answer is not held up by the log, which waits out a lock held by
 * another connection in the background (through the gate); a row still not written after
 * QUESTION_LOG_BUDGET_MS goes to `onError`.
 */
export function recordInBackground(
  log: QuestionLog,
  writes: WriteGate,
  onError: (err: unknown) => void,
): (entry: QuestionRecord) => void {
  return (entry) => {
    writes.run(() => log.record(entry), { budgetMs: QUESTION_LOG_BUDGET_MS }).catch(onError);
  };
}
