/**
 * One user's messages are handled in order across instances (issue 15): two dialogue cores, each
 * on its own SqlDatabase connection pool to one PostgreSQL database (two instances behind a load
 * balancer), or on SQLite two cores sharing the one SqlDatabase of the process. A turn holds the
 * user's lock from loading the state to saving it, so the second message, arriving on the other
 * instance while the first is still being answered, waits, starts from the state the first
 * saved, and neither turn's change is lost.
 */
import { describe, expect, it } from "vitest";
import type { SqlDatabase } from "../../src/db/index.ts";
import {
  createDialogueCore,
  createConversationStore,
  type DialogueCoreHandle,
} from "../../src/dialogue/index.ts";
import { createFeedbackStore, createProcedureDirectory } from "../../src/feedback/index.ts";
import { createDeadlineCalculator } from "../../src/feedback/index.ts";
import { catalogue } from "../assistant/fixtures.ts";
import { calendar, RULES } from "../feedback/helpers.ts";
import { ENGINES, type TestEngine } from "../helpers/engines.ts";
import { settle } from "../helpers/manual-time.ts";
import { clock, makeAssistant, texts } from "./helpers.ts";

const c = clock("2026-03-02T02:00:00Z");

/** An assistant whose next question waits until `release()`; `entered` once it is asked. */
function heldAssistant() {
  const real = makeAssistant();
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const asked = new Promise<void>((r) => (entered = r));
  return {
    assistant: {
      ask: async (q: string) => {
        entered();
        await held;
        return real.ask(q);
      },
      answerFor: real.answerFor,
    },
    asked,
    release,
  };
}

function coreOn(
  sql: SqlDatabase,
  assistant = makeAssistant(),
  lockedTurns?: number,
): DialogueCoreHandle {
  return createDialogueCore({
    ...(lockedTurns ? { lockedTurns } : {}),
    assistant,
    feedback: createFeedbackStore({
      sql,
      now: c.now,
      deadlines: createDeadlineCalculator(RULES, calendar),
      calendar,
      procedures: createProcedureDirectory(catalogue),
    }),
    sql,
    now: c.now,
  });
}

/** Two instances: PostgreSQL, two pools on one database; SQLite, one database in one process. */
async function instances(engine: TestEngine): Promise<[SqlDatabase, SqlDatabase]> {
  const target = await engine.target();
  const a = await target.open();
  return [a, engine.name === "postgres" ? await target.open() : a];
}

/** Until a session waits for an advisory lock (PostgreSQL); a few turns of the loop (SQLite). */
async function untilWaiting(sql: SqlDatabase): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if (sql.dialect === "postgres") {
      const row = await sql.get<{ n: number }>(
        `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
      );
      if (Number(row!.n) > 0) return;
    } else if (i >= 50) return;
    await settle();
  }
  throw new Error("the second turn never waited for the user's lock");
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`dialogue on two instances, ${engine.name}`, () => {
    it("a message arriving on the other instance mid-turn waits, and both turns' changes are kept", async () => {
      const [a, b] = await instances(engine);
      try {
        const held = heldAssistant();
        const first = coreOn(a, held.assistant);
        const second = coreOn(b);
        // Instance 1: a question (the answer sets the procedure answered last), held mid-turn.
        const answer = first.handle({ channel: "telegram", userId: "u1", text: "khai sinh" });
        await held.asked;
        // Instance 2: the same user starts a complaint (sets a draft) meanwhile.
        let secondDone = false;
        const complaint = second
          .handle({ channel: "telegram", userId: "u1", text: "/phananh" })
          .then((r) => ((secondDone = true), r));
        await untilWaiting(b);
        expect(secondDone).toBe(false);
        held.release();
        expect(texts(await answer)).toContain("1.001193");
        expect(texts(await complaint)).toContain("phản ánh");
        const state = await createConversationStore(b).load("telegram", "u1", c.now());
        expect(state.last?.code).toBe("1.001193");
        expect(state.draft?.kind).toBe("complaint");
        // The other user was never held up by u1's lock.
        expect(
          texts(await second.handle({ channel: "telegram", userId: "u2", text: "hộ chiếu" })),
        ).toContain("2.002001");
      } finally {
        await a.close();
        if (b !== a) await b.close();
      }
    });

    it("without the user's lock the same two turns lose the second one's change", async () => {
      // What the lock prevents (the in-process queue alone did not): the held turn saves the state
      // it loaded before the other instance's turn, over that turn's draft.
      const [a, b] = await instances(engine);
      const unlocked = (sql: SqlDatabase): SqlDatabase => ({
        ...sql,
        exclusive: (_name, fn) => fn(sql),
      });
      try {
        const held = heldAssistant();
        const first = coreOn(unlocked(a), held.assistant);
        const second = coreOn(unlocked(b));
        const answer = first.handle({ channel: "telegram", userId: "u1", text: "khai sinh" });
        await held.asked;
        await second.handle({ channel: "telegram", userId: "u1", text: "/phananh" });
        held.release();
        await answer;
        const state = await createConversationStore(b).load("telegram", "u1", c.now());
        expect(state.last?.code).toBe("1.001193");
        expect(state.draft).toBeUndefined();
      } finally {
        await a.close();
        if (b !== a) await b.close();
      }
    });

    it("an instance holds at most `lockedTurns` user locks; other users' turns wait for a place", async () => {
      const [a] = await instances(engine);
      try {
        const held = heldAssistant();
        const core = coreOn(a, held.assistant, 1);
        const first = core.handle({ channel: "web", userId: "w1", text: "khai sinh" });
        await held.asked;
        let otherDone = false;
        const other = core
          .handle({ channel: "web", userId: "w2", text: "/phananh" })
          .then((r) => ((otherDone = true), r));
        for (let i = 0; i < 50; i++) await settle();
        expect(otherDone).toBe(false);
        held.release();
        expect(texts(await first)).toContain("1.001193");
        expect(texts(await other)).toContain("phản ánh");
      } finally {
        await a.close();
      }
    });
  });
}
