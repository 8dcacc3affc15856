/** 👍/👎 on the assistant's answers; a 👎 with its comment waits for staff review. */
import type { Database } from "../db/index.ts";
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

export interface Ratings {
  /** Rating the same answer again replaces the earlier rating. */
  rateAnswer(input: RatingInput): StoredRating;
  /** 👎 not yet reviewed, oldest first. */
  pendingReview(limit?: number): StoredRating[];
  markReviewed(id: number): boolean;
}

const ANSWER_ID = /^[\p{L}\p{N}_.:@-]{1,128}$/u;

export function createRatings(db: Database, now: () => Date): Ratings {
  const upsert = db.prepare(
    `INSERT INTO answer_ratings (rated_at, channel, user_id, answer_id, question_masked,
       procedure_code, rating, comment, comment_masked)
     VALUES (@at, @channel, @userId, @answerId, @question, @procedureCode, @rating, @comment,
       @commentMasked)
     ON CONFLICT (channel, user_id, answer_id) DO UPDATE SET rated_at = excluded.rated_at,
       rating = excluded.rating, comment = excluded.comment, comment_masked = excluded.comment_masked,
       question_masked = COALESCE(excluded.question_masked, question_masked),
       procedure_code = COALESCE(excluded.procedure_code, procedure_code), reviewed_at = NULL
     RETURNING id`,
  );
  const select = `SELECT id, rated_at AS ratedAt, channel, answer_id AS answerId,
      CASE rating WHEN 1 THEN 'up' ELSE 'down' END AS rating, comment_masked AS commentMasked,
      question_masked AS questionMasked, procedure_code AS procedureCode FROM answer_ratings`;
  const byId = db.prepare<[number], StoredRating>(`${select} WHERE id = ?`);
  const pending = db.prepare<[number], StoredRating>(
    `${select} WHERE rating = -1 AND reviewed_at IS NULL ORDER BY rated_at, id LIMIT ?`,
  );
  const review = db.prepare<[string, number]>(
    `UPDATE answer_ratings SET reviewed_at = ? WHERE id = ? AND reviewed_at IS NULL`,
  );

  return {
    rateAnswer(input) {
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
      const { id } = upsert.get({
        at: now().toISOString(),
        channel: input.channel,
        userId: input.userId,
        answerId: input.answerId,
        question: question === null ? null : maskPersonalData(question),
        procedureCode: cleanOptionalText(input.procedureCode, "procedureCode", 16),
        rating: input.rating === "up" ? 1 : -1,
        // Only the masked comment is kept: staff read that, and nothing needs the raw text.
        comment: null,
        commentMasked: comment === null ? null : maskPersonalData(comment),
      }) as { id: number };
      return byId.get(id)!;
    },
    pendingReview: (limit = 50) => pending.all(limit),
    markReviewed: (id) => review.run(now().toISOString(), id).changes === 1,
  };
}
