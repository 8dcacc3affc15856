/**
 * The log of questions asked (the chat's and the stateless /api/ask's), stored masked, on
 * SqlDatabase: SQLite or PostgreSQL.
 */
import { maskPersonalData } from "../logger.ts";
import type { SqlDatabase, SqlValue } from "./sql.ts";

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

/** The question log on SqlDatabase. */
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
 * `record` without waiting: the answer is not held up by the log, which waits out a lock another
 * process holds in the background (on SQLite, the database's write gate) and goes to `onError` if
 * it is still not written then.
 */
export function recordInBackground(
  log: SqlQuestionLog,
  onError: (err: unknown) => void,
): (entry: QuestionRecord) => void {
  return (entry) => void log.record(entry).catch(onError);
}
