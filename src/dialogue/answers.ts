/**
 * The assistant's answers as messages, and what the state keeps of them: several close procedures
 * become choice buttons (kept as pending choices), a procedure answer gets 👍/👎 buttons (and
 * becomes the procedure answered last). Then, after a miss, maybe a person (hand-over).
 */
import type { AskResult } from "../assistant/index.ts";
import type { Button } from "../channels/index.ts";
import { after, join, type Reply } from "./compose.ts";
import type { HandOver } from "./handlers/hand-over.ts";
import type { Choice } from "./state.ts";
import { reply, short, type Deps, type Turn } from "./turn.ts";

export function createAnswers(deps: Deps, handOver: HandOver) {
  const { labels, log } = deps;

  const choiceRows = (choices: readonly Choice[]): Button[][] =>
    choices.map((c, i) => [
      {
        label: short(`${i + 1}. ${c.name}${c.level ? ` – ${c.level}` : ""}`, 64),
        action: `pick:${c.code}`,
      },
    ]);

  /** The question log (the web's); its failures are only logged. */
  function record(turn: Turn, question: string, result: AskResult): void {
    if (!deps.recordQuestion) return;
    try {
      deps.recordQuestion({
        askedAt: turn.now,
        channel: turn.channel,
        question,
        intent: result.intent,
        topCode: result.procedures[0]?.code ?? null,
        confidence: result.confidence,
      });
    } catch (err) {
      log.error({ err }, "could not record the question");
    }
  }

  async function shown(turn: Turn, question: string, result: AskResult): Promise<Reply> {
    record(turn, question, result);
    if (result.intent === "procedure" && result.choices.length >= 2) {
      const pending = {
        question: short(question, 300),
        aspect: result.aspect,
        choices: result.choices.map((c) => ({ code: c.code, name: c.name, level: c.level })),
        at: turn.now.toISOString(),
      };
      return { messages: [reply(result.answer, choiceRows(result.choices))], patch: { pending } };
    }
    const best = result.procedures[0];
    if (result.intent === "procedure" && result.confidence !== "not_found" && best) {
      const id = await deps.store.recordAnswer(
        turn.channel,
        turn.userId,
        { procedureCode: best.code, aspect: result.aspect, question },
        turn.now,
        turn.db,
      );
      const rate = [
        { label: labels.rateUp, action: `rate:up:${id}` },
        { label: labels.rateDown, action: `rate:down:${id}` },
      ];
      return {
        messages: [reply(result.answer, [rate])],
        patch: {
          pending: undefined,
          last: { code: best.code, name: best.name, at: turn.now.toISOString() },
        },
      };
    }
    return { messages: [reply(result.answer)] };
  }

  /** The answer, then a person when the bot missed too often in a row. */
  async function present(turn: Turn, question: string, result: AskResult): Promise<Reply> {
    const answer = await shown(turn, question, result);
    const more = await handOver.afterAnswer(turn, question, result);
    return more ? join(answer, more) : answer;
  }

  /** A procedure picked among the pending choices: answered about the aspect first asked. */
  function pick(turn: Turn, code: string): Promise<Reply> {
    const pending = turn.state.pending;
    return after(turn, { pending: undefined }, (t) =>
      present(
        t,
        pending?.question ?? code,
        deps.assistant.answerFor(code, pending?.aspect ?? "overview"),
      ),
    );
  }

  return { record, present, pick, choiceRows };
}

export type Answers = ReturnType<typeof createAnswers>;
