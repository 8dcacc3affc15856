/**
 * Conversation state and answer records in SQLite (migration 3), keyed by channel and user. Only
 * the dialogue core writes the state, on the user's queue (core.ts): other modules change it
 * through the core (e.g. `handBack`).
 */
import type { Database } from "../db/index.ts";
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
  load(channel: ChannelName, userId: string, now: Date): DialogueState;
  save(channel: ChannelName, userId: string, state: DialogueState, now: Date): void;
  /** Records a procedure answer shown to the user; its id goes into the 👍/👎 buttons. */
  recordAnswer(
    channel: ChannelName,
    userId: string,
    answer: { procedureCode: string; aspect: string; question: string | null },
    now: Date,
  ): number;
  /** The answer, only if it was shown to this user on this channel. */
  answer(channel: ChannelName, userId: string, id: number): AnswerRecord | undefined;
}

export function createConversationStore(db: Database): ConversationStore {
  const select = db.prepare<[string, string], { state: string }>(
    `SELECT state FROM dialogue_state WHERE channel = ? AND user_id = ?`,
  );
  const upsert = db.prepare<[string, string, string, string]>(
    `INSERT INTO dialogue_state (channel, user_id, state, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (channel, user_id) DO UPDATE SET state = excluded.state,
       updated_at = excluded.updated_at`,
  );
  const insertAnswer = db.prepare<[string, string, string, string, string | null, string]>(
    `INSERT INTO dialogue_answers (channel, user_id, procedure_code, aspect, question_masked,
       answered_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const selectAnswer = db.prepare<[number, string, string], AnswerRecord>(
    `SELECT id, procedure_code AS procedureCode, aspect, question_masked AS questionMasked
     FROM dialogue_answers WHERE id = ? AND channel = ? AND user_id = ?`,
  );

  const load = (channel: ChannelName, userId: string, now: Date) =>
    withoutExpired(parseState(select.get(channel, userId)?.state), now);
  const save = (channel: ChannelName, userId: string, state: DialogueState, now: Date) => {
    upsert.run(channel, userId, JSON.stringify(state), now.toISOString());
  };

  return {
    load,
    save,
    recordAnswer(channel, userId, answer, now) {
      const info = insertAnswer.run(
        channel,
        userId,
        answer.procedureCode,
        answer.aspect,
        answer.question === null ? null : maskPersonalData(answer.question).slice(0, 2000),
        now.toISOString(),
      );
      return Number(info.lastInsertRowid);
    },
    answer: (channel, userId, id) => selectAnswer.get(id, channel, userId),
  };
}
