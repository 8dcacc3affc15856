/** 👍/👎 on the assistant's answers; a 👎 with its comment waits for staff review. */
import type { SqlValue } from "../db/index.ts";
import { maskPersonalData } from "../logger.ts";
import { FeedbackInputError } from "./errors.ts";
import { MAX_COMMENT_CHARS, checkChannelAndUser, cleanOptionalText } from "./input.ts";

export type Rating = "up" | "down";

export interface RatingInput {
  channel: string;
  userId: string;
  /** The answer rated, as the channel identifies it (message id, question-log id…). */
  answerId: string;
  rating: Rating;
  comment?: string | null;
  /** The question answered; stored masked. */
  question?: string | null;
  procedureCode?: string | null;
}

export interface StoredRating {
  id: number;
  ratedAt: string;
  channel: string;
  answerId: string;
  rating: Rating;
  commentMasked: string | null;
  questionMasked: string | null;
  procedureCode: string | null;
}

const ANSWER_ID = /^[\p{L}\p{N}_.:@-]{1,128}$/u;

const SELECT_RATING = `SELECT id, rated_at AS "ratedAt", channel, answer_id AS "answerId",
    CASE rating WHEN 1 THEN 'up' ELSE 'down' END AS rating, comment_masked AS "commentMasked",
    question_masked AS "questionMasked", procedure_code AS "procedureCode" FROM answer_ratings`;

/** The SQL of answer_ratings, for both engines (aliases quoted: PostgreSQL folds them otherwise). */
export const RATINGS_SQL = {
  upsert: `INSERT INTO answer_ratings (rated_at, channel, user_id, answer_id, question_masked,
       procedure_code, rating, comment, comment_masked)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (channel, user_id, answer_id) DO UPDATE SET rated_at = excluded.rated_at,
       rating = excluded.rating, comment = excluded.comment, comment_masked = excluded.comment_masked,
       question_masked = COALESCE(excluded.question_masked, answer_ratings.question_masked),
       procedure_code = COALESCE(excluded.procedure_code, answer_ratings.procedure_code),
       reviewed_at = NULL
     RETURNING id`,
  byId: `${SELECT_RATING} WHERE id = ?`,
  pending: `${SELECT_RATING} WHERE rating = -1 AND reviewed_at IS NULL ORDER BY rated_at, id LIMIT ?`,
  review: `UPDATE answer_ratings SET reviewed_at = ? WHERE id = ? AND reviewed_at IS NULL`,
} as const;

/** Checks a rating and gives the upsert's parameters (only the masked comment is kept). */
export function ratingParams(input: RatingInput, at: Date): SqlValue[] {
  if (input.rating !== "up" && input.rating !== "down") {
    throw new FeedbackInputError("invalid_field", "rating", 'rating must be "up" or "down"');
  }
  if (typeof input.answerId !== "string" || !ANSWER_ID.test(input.answerId)) {
    throw new FeedbackInputError(
      "invalid_field",
      "answerId",
      "answerId must be 1–128 letters, digits or _.:@-",
    );
  }
  checkChannelAndUser(input.channel, input.userId);
  const comment = cleanOptionalText(input.comment, "comment", MAX_COMMENT_CHARS);
  const question = cleanOptionalText(input.question, "question", 4000);
  return [
    at.toISOString(),
    input.channel,
    input.userId,
    input.answerId,
    question === null ? null : maskPersonalData(question),
    cleanOptionalText(input.procedureCode, "procedureCode", 16),
    input.rating === "up" ? 1 : -1,
    // Only the masked comment is kept: staff read that, and nothing needs the raw text.
    null,
    comment === null ? null : maskPersonalData(comment),
  ];
}
