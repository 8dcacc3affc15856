// The dialogue core as an ordered list of handlers (src/dialogue/compose.ts): the first handler
// that takes the message answers it, a handler can pass it on with state changes, and the core
// applies the returned changes (nothing is changed in place) and saves them once.
import { afterEach, describe, expect, it } from "vitest";
import { after, compose, pass, type Handler } from "../../src/dialogue/compose.ts";
import { applyPatch, type DialogueState } from "../../src/dialogue/state.ts";
import type { Turn } from "../../src/dialogue/turn.ts";
import { makeAssistant, makeHarness, texts, type Harness } from "./helpers.ts";

const AT = "2026-03-02T02:00:00.000Z";

const unused = () => Promise.reject(new Error("not in these tests"));
const noDatabase = { all: unused, get: unused, run: unused };

/** A turn over `state`, as the core builds one (without the database). */
function turnOf(state: DialogueState, seen: DialogueState[] = []): Turn {
  return {
    channel: "web",
    userId: "u1",
    displayName: "",
    now: new Date(AT),
    message: { channel: "web", userId: "u1", text: "xin chào" },
    db: noDatabase,
    text: "xin chào",
    state,
    with: (patch) => {
      const next = applyPatch(state, patch);
      seen.push(next);
      return turnOf(next, seen);
    },
    commit: () => {
      throw new Error("not in these tests");
    },
  };
}

const says =
  (text: string): Handler =>
  () => ({ messages: [{ text }] });

describe("dialogue handlers: compose", () => {
  it("a handler that passes lets the next one take the message; later ones are not asked", async () => {
    const asked: string[] = [];
    const spy =
      (name: string, h: Handler): Handler =>
      (t) => {
        asked.push(name);
        return h(t);
      };
    const route = compose(
      spy("a", () => null),
      spy("b", says("from b")),
      spy("c", says("from c")),
    );
    expect(await route(turnOf({}))).toEqual({ messages: [{ text: "from b" }], patch: {} });
    expect(asked).toEqual(["a", "b"]);
  });

  it("pass(patch) changes the state the next handlers see; the reply carries every change", async () => {
    const state: DialogueState = {
      token: { ref: "PAKN-2026-000001", at: AT },
      last: { code: "1.001193", name: "Đăng ký khai sinh", at: AT },
    };
    const route = compose(
      () => pass({ token: undefined }),
      (t) => (t.state.token ? says("token still there")(t) : null),
      (t) => ({
        messages: [{ text: `last: ${t.state.last?.code}` }],
        patch: { comment: { answerId: 3, at: AT } },
      }),
    );
    const out = await route(turnOf(state));
    expect(out).toEqual({
      messages: [{ text: "last: 1.001193" }],
      patch: { token: undefined, comment: { answerId: 3, at: AT } },
    });
    // The turn's own state was never changed.
    expect(state.token).toBeDefined();
    expect(applyPatch(state, (out as { patch: object }).patch)).toEqual({
      last: state.last,
      comment: { answerId: 3, at: AT },
    });
  });

  it("a composer whose handlers all pass passes on (nested composers work like one list)", async () => {
    const inner = compose(
      () => null,
      () => pass({ pending: undefined }),
    );
    expect(await inner(turnOf({}))).toEqual({ pass: { pending: undefined } });
    expect(await compose(() => null)(turnOf({}))).toBeNull();
    const outer = compose(inner, says("outer"));
    expect(await outer(turnOf({}))).toEqual({
      messages: [{ text: "outer" }],
      patch: { pending: undefined },
    });
  });

  it("after(): the patch comes first, the next step sees it, and it stays when the step fails", async () => {
    const seen: DialogueState[] = [];
    const turn = turnOf({ comment: { answerId: 1, at: AT } }, seen);
    const out = await after(turn, { comment: undefined }, (t) => ({
      messages: [{ text: t.state.comment ? "still waiting" : "dropped" }],
    }));
    expect(out).toEqual({ messages: [{ text: "dropped" }], patch: { comment: undefined } });
    await expect(
      after(turn, { token: undefined }, () => Promise.reject(new Error("down"))),
    ).rejects.toThrow("down");
    // The core saves the state as far as the turn got (the last `with`).
    expect(seen.at(-1)).toEqual({ comment: { answerId: 1, at: AT } });
  });
});

describe("dialogue core: state changes applied in one place", () => {
  let h: Harness | undefined;
  afterEach(() => h?.close());

  it("when a later handler fails, the changes earlier handlers passed on are saved", async () => {
    const real = makeAssistant();
    h = makeHarness({
      core: {
        assistant: {
          answerFor: (code, aspect) => real.answerFor(code, aspect),
          ask: (text, o) =>
            text.includes("hỏng") ? Promise.reject(new Error("down")) : real.ask(text, o),
        },
      },
    });
    expect(texts(await h.say("kết hôn lệ phí"))).toContain("1.000091");
    // Not a choice: the choices are dropped (passed on), then asking fails.
    expect(texts(await h.say("câu hỏi làm hỏng trợ lý"))).toContain("Xin lỗi");
    // "2" is no longer a pick among the dropped choices.
    expect(texts(await h.say("2"))).not.toContain("Mã thủ tục: 1.000091");
  });

  it("handOver/handBack wait for the user's turn under way instead of racing its save", async () => {
    const real = makeAssistant();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h = makeHarness({
      core: {
        assistant: {
          answerFor: (code, aspect) => real.answerFor(code, aspect),
          ask: async (text, o) => {
            await gate;
            return real.ask(text, o);
          },
        },
      },
    });
    const slow = h.say("đăng ký khai sinh", "z1", "zalo");
    const handedOver = h.core.handOver("zalo", "z1");
    release();
    expect(texts(await slow)).toContain("1.001193");
    await handedOver;
    // The turn saved its state first; the flag set after it is not lost.
    expect(await h.say("đăng ký khai sinh", "z1", "zalo")).toEqual([]);
    await h.core.handBack("zalo", "z1");
    expect(texts(await h.say("đăng ký khai sinh", "z1", "zalo"))).toContain("1.001193");
  });
});
