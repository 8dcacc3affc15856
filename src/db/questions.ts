/** The log of questions asked, stored masked. */
import { maskPersonalData } from "../logger.ts";
import type { Database } from "./database.ts";

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
