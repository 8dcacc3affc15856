/**
 * Conversation state and answer records (SQLite migration 3, src/db/pg-migrations/dialogue.ts),
 * keyed by channel and user, on SqlDatabase: the same SQL on SQLite and PostgreSQL. Only the
 * dialogue core writes the state, holding the user's lock (core.ts): other modules change it
 * through the core (e.g. `handBack`). Every method takes the executor to run on (the lock's
 * connection, a transaction); by default the database.
 */
import type { SqlDatabase, SqlExecutor } from "../db/index.ts";
import { maskPersonalData } from "../logger.ts";
import type { ChannelName } from "../channels/index.ts";
import { parseState, withoutExpired, type DialogueState } from "./state.ts";

export interface AnswerRecord {
  id: number;
  procedureCode: string;
  aspect: string;
  questionMasked: string | null;
}

export interface ConversationStore {
  /** The state with expired pieces dropped; `{}` for a new user. */
  load(channel: ChannelName, userId: string, now: Date, db?: SqlExecutor): Promise<DialogueState>;
  save(
    channel: ChannelName,
    userId: string,
    state: DialogueState,
    now: Date,
    db?: SqlExecutor,
  ): Promise<void>;
  /** Records a procedure answer shown to the user; its id goes into the 👍/👎 buttons. */
  recordAnswer(
    channel: ChannelName,
    userId: string,
    answer: { procedureCode: string; aspect: string; question: string | null },
    now: Date,
    db?: SqlExecutor,
  ): Promise<number>;
  /** The answer, only if it was shown to this user on this channel. */
  answer(
    channel: ChannelName,
    userId: string,
    id: number,
    db?: SqlExecutor,
  ): Promise<AnswerRecord | undefined>;
}

/** The SQL of dialogue_state and dialogue_answers (aliases quoted: PostgreSQL folds them). */
export const CONVERSATION_SQL = {
  select: `SELECT state FROM dialogue_state WHERE channel = ? AND user_id = ?`,
  upsert: `INSERT INTO dialogue_state (channel, user_id, state, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (channel, user_id) DO UPDATE SET state = excluded.state,
       updated_at = excluded.updated_at`,
  insertAnswer: `INSERT INTO dialogue_answers (channel, user_id, procedure_code, aspect,
       question_masked, answered_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
  selectAnswer: `SELECT id, procedure_code AS "procedureCode", aspect,
       question_masked AS "questionMasked"
     FROM dialogue_answers WHERE id = ? AND channel = ? AND user_id = ?`,
} as const;

export function createConversationStore(sql: SqlDatabase): ConversationStore {
  return {
    async load(channel, userId, now, db = sql) {
      const row = await db.get<{ state: string }>(CONVERSATION_SQL.select, [channel, userId]);
      return withoutExpired(parseState(row?.state), now);
    },
    async save(channel, userId, state, now, db = sql) {
      await db.run(CONVERSATION_SQL.upsert, [
        channel,
        userId,
        JSON.stringify(state),
        now.toISOString(),
      ]);
    },
    async recordAnswer(channel, userId, answer, now, db = sql) {
      const row = await db.get<{ id: number }>(CONVERSATION_SQL.insertAnswer, [
        channel,
        userId,
        answer.procedureCode,
        answer.aspect,
        answer.question === null ? null : maskPersonalData(answer.question).slice(0, 2000),
        now.toISOString(),
      ]);
      return Number(row!.id);
    },
    async answer(channel, userId, id, db = sql) {
      // Ids past BIGINT are no answer (PostgreSQL would refuse them).
      if (!Number.isSafeInteger(id) || id < 1) return undefined;
      const row = await db.get<AnswerRecord>(CONVERSATION_SQL.selectAnswer, [id, channel, userId]);
      return row ? { ...row, id: Number(row.id) } : undefined;
    },
  };
}
