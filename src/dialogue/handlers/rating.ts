/**
 * 👍/👎 on an answer: the rating goes to the queue (`rateAnswer`) at once; after 👎 the next
 * message is taken as the citizen's comment (or "Bỏ qua"). Only the user who was shown an answer
 * can rate it.
 */
import type { Handler, Reply } from "../compose.ts";
import type { AnswerRecord } from "../store.ts";
import { reply, type Deps, type Turn } from "../turn.ts";
import type { HandOver } from "./hand-over.ts";

/** Longest comment kept with a 👎 (the queue's limit). */
const MAX_COMMENT_CHARS = 1000;

export function createRating(deps: Deps, handOver: HandOver) {
  const { render, labels } = deps;
  const notFound = (): Reply => ({ messages: [reply(render("rate-not-found"))] });

  async function save(turn: Turn, answer: AnswerRecord, rating: "up" | "down", comment?: string) {
    await deps.feedback.ratings.rateAnswer({
      channel: turn.channel,
      userId: turn.userId,
      answerId: `a${answer.id}`,
      rating,
      ...(comment !== undefined ? { comment } : {}),
      question: answer.questionMasked,
      procedureCode: answer.procedureCode,
    });
  }

  /** A 👍/👎 button. Too many misses in a row bring a person in instead of the thanks. */
  async function rate(turn: Turn, rating: "up" | "down", answerId: number): Promise<Reply> {
    const answer = await deps.store.answer(turn.channel, turn.userId, answerId, turn.db);
    if (!answer) return notFound();
    await save(turn, answer, rating);
    const person = await handOver.afterRating(turn, rating);
    if (person) return person;
    if (rating === "up") {
      return { messages: [reply(render("rate-up"))], patch: { comment: undefined } };
    }
    return {
      messages: [reply(render("rate-down"), [[{ label: labels.skip, action: "rate:skip" }]])],
      patch: { comment: { answerId: answer.id, at: turn.now.toISOString() } },
    };
  }

  /** "Bỏ qua" after 👎. */
  const skip = (): Reply => ({
    messages: [reply(render("rate-skip"))],
    patch: { comment: undefined },
  });

  /** After 👎: this message is the comment. */
  const comment: Handler = async (turn) => {
    const waiting = turn.state.comment;
    if (!waiting) return null;
    const answer = await deps.store.answer(turn.channel, turn.userId, waiting.answerId, turn.db);
    if (!answer) return { ...notFound(), patch: { comment: undefined } };
    await save(turn, answer, "down", Array.from(turn.text).slice(0, MAX_COMMENT_CHARS).join(""));
    return { messages: [reply(render("rate-comment"))], patch: { comment: undefined } };
  };

  return { rate, skip, comment };
}

export type Rating = ReturnType<typeof createRating>;
