// Hand-over state belongs to the dialogue: an escalation sets it in the citizen's turn, and the
// hand-off service hands the conversation back through the core (on the citizen's queue), never
// by writing dialogue_state itself.
import { afterEach, describe, expect, it } from "vitest";
import { makeHandoffHarness, type HandoffHarness } from "../handoff/helpers.ts";

let h: HandoffHarness | null = null;
afterEach(() => {
  h?.close();
  h = null;
});

const officer = { id: "web:lan", name: "Lan", source: "web" };
const settled = () => new Promise((resolve) => setImmediate(resolve));
const stateOf = (harness: HandoffHarness) =>
  harness.core.store.load("telegram", "u1", harness.clock.now());

describe("dialogue: hand-over through the core", () => {
  it("closing a ticket hands back through the core before the citizen writes again", async () => {
    h = makeHandoffHarness();
    await h.say("gặp tổng đài viên");
    expect((await stateOf(h)).handedOff).toBe(true);
    const id = (await h.handoff.store.openFor("telegram", "u1"))!.id;
    await h.handoff.close(id, officer);
    // Queued on the citizen's queue (idle here): done by the next tick, before any message.
    await settled();
    expect((await stateOf(h)).handedOff).toBeUndefined();
    expect(h.db.prepare("SELECT count(*) AS n FROM dialogue_state").get()).toEqual({ n: 1 });
  });

  it("a close while the citizen's turn is under way is applied after that turn", async () => {
    h = makeHandoffHarness();
    await h.say("gặp tổng đài viên");
    const id = (await h.handoff.store.openFor("telegram", "u1"))!.id;
    const relayed = h.say("tôi vẫn chờ");
    await h.handoff.close(id, officer);
    expect((await stateOf(h)).handedOff).toBe(true);
    expect(await relayed).toEqual([]);
    // The hand-back follows the turn on the citizen's queue; its write may wait in the write gate
    // while the hand-off's own connection (src/db/sqlite-sql.ts) holds the lock.
    for (let i = 0; i < 10_000 && (await stateOf(h)).handedOff !== undefined; i++) await settled();
    expect((await stateOf(h)).handedOff).toBeUndefined();
    expect((await h.handoff.store.transcript(id)).some((l) => l.text === "tôi vẫn chờ")).toBe(true);
  });
});
