/** The log of questions asked, stored masked. */
import { maskPersonalData } from "../logger.ts";
import type { WriteGate } from "./busy.ts";
import type { Database } from "./database.ts";

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

export function createQuestionLog(db: Database): QuestionLog {
  const insert = db.prepare<[string, string, string, string | null, string | null, string | null]>(
    `INSERT INTO questions (asked_at, channel, question_masked, intent, top_code, confidence)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const select = db.prepare<[number], StoredQuestion>(
    `SELECT id, asked_at AS askedAt, channel, question_masked AS questionMasked, intent,
            top_code AS topCode, confidence
     FROM questions ORDER BY id DESC LIMIT ?`,
  );
  return {
    record(entry) {
      const info = insert.run(
        entry.askedAt.toISOString(),
        entry.channel,
        maskPersonalData(entry.question),
        entry.intent ?? null,
        entry.topCode ?? null,
        entry.confidence ?? null,
      );
      return Number(info.lastInsertRowid);
    },
    recent(limit = 50) {
      return select.all(limit);
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
