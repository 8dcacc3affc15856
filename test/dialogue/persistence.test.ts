// Conversation state lives in SQLite: a restart (closing and reopening the database, a new core)
// keeps pending choices, the last answer, a draft and the filed drafts.
import { afterEach, describe, expect, it } from "vitest";
import { action, clock, makeHarness, tempDbFile, texts, type Harness } from "./helpers.ts";

const open: Harness[] = [];
const harness = (...args: Parameters<typeof makeHarness>) => {
  const h = makeHarness(...args);
  open.push(h);
  return h;
};
afterEach(() => {
  for (const h of open.splice(0)) if (h.db.open) h.close();
});

describe("dialogue: restarts", () => {
  it("keeps pending choices with their aspect, and the last procedure", async () => {
    const file = tempDbFile();
    const c = clock("2026-03-02T02:00:00Z");
    const first = harness({ file, clock: c });
    await first.say("kết hôn mất bao lâu", "u1");
    first.close();

    const second = harness({ file, clock: c });
    const picked = await second.say("3", "u1");
    expect(texts(picked)).toContain("Mã thủ tục: 1.000092");
    expect(texts(picked)).toContain("5 ngày làm việc");
    second.close();

    const third = harness({ file, clock: c });
    expect(texts(await third.say("lệ phí bao nhiêu", "u1"))).toContain("Mã thủ tục: 1.000092");
  });

  it("keeps a draft across a restart, and a filed draft is not filed again after one", async () => {
    const file = tempDbFile();
    const c = clock("2026-03-02T02:00:00Z");
    const first = harness({ file, clock: c });
    await first.say("/phananh Cán bộ hẹn trả kết quả nhiều lần nhưng không trả.", "u1");
    await first.press("fb:skip", "u1");
    const send = action(await first.press("fb:skip", "u1"), "fb:send:");
    first.close();

    const second = harness({ file, clock: c });
    expect(texts(await second.press(send, "u1"))).toContain("PAKN-2026-000001");
    second.close();

    const third = harness({ file, clock: c });
    expect(texts(await third.press(send, "u1"))).toContain("đã được gửi rồi");
    const n = third.db.prepare("SELECT count(*) AS n FROM feedback_cases").get() as { n: number };
    expect(n.n).toBe(1);
  });

  it("pieces of state expire: choices after 30 minutes, a draft after a day", async () => {
    const h = harness();
    await h.say("kết hôn lệ phí");
    h.clock.set("2026-03-02T02:31:00Z");
    expect(texts(await h.say("2"))).not.toContain("Mã thủ tục: 1.000091");

    await h.say("/phananh");
    h.clock.advanceDays(2);
    // No draft any more: the text is a question again.
    expect(texts(await h.say("đăng ký khai sinh"))).toContain("Mã thủ tục: 1.001193");
  });

  it("an unreadable stored state starts the conversation afresh", async () => {
    const h = harness();
    h.db
      .prepare(
        "INSERT INTO dialogue_state (channel, user_id, state, updated_at) VALUES ('web', 'w1', ?, '')",
      )
      .run('{"pending": {"choices": 5}');
    expect(texts(await h.say("đăng ký khai sinh", "w1", "web"))).toContain("1.001193");
  });
});
