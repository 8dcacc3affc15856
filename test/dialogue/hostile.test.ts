// Hostile and malformed input: handle() never throws, always answers with well-formed messages
// whose buttons stay within the action limits, and never files anything by accident.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncomingMessage, OutgoingMessage } from "../../src/dialogue/index.ts";
import { makeHarness, texts, type Harness } from "./helpers.ts";

let h: Harness;
beforeAll(() => {
  h = makeHarness();
});
afterAll(() => h.close());

function wellFormed(out: OutgoingMessage[]): void {
  expect(Array.isArray(out)).toBe(true);
  for (const m of out) {
    expect(typeof m.text).toBe("string");
    expect(m.text.length).toBeGreaterThan(0);
    expect(m.text.length).toBeLessThan(5000);
    for (const row of m.buttons ?? []) {
      for (const b of row) {
        expect(b.action).toMatch(/^[\x21-\x7e]{1,40}$/);
        expect(b.label.length).toBeGreaterThan(0);
        expect(Array.from(b.label).length).toBeLessThanOrEqual(64);
      }
    }
  }
}

const weirdTexts: unknown[] = [
  "",
  " ",
  "\u0000\u0001\u0002",
  "\uD800 lone surrogate \uDC00",
  "🙂".repeat(5000),
  "a".repeat(1_000_000),
  "/",
  "//",
  "/trangthai",
  "/trangthai PAKN-9999-999999999 '; DROP TABLE feedback_cases; --",
  "/trangthai ../../etc/passwd",
  "/phananh" + " x".repeat(10_000),
  "<script>alert(1)</script>",
  "1",
  "0",
  "-1",
  "99999999999999999999",
  "1.0",
  "PAKN-2026-000001",
  "pick:1.000090",
  "rate:up:1",
  "\u202Eevil",
  "ｆｕｌｌｗｉｄｔｈ",
  123,
  null,
  undefined,
  { toString: () => "boom" },
  ["array"],
];

const weirdActions: unknown[] = [
  "",
  "pick:",
  "pick:9.999999",
  "pick:1.000090' OR 1=1",
  "rate:up:99999999",
  "rate:down:-1",
  "rate:up:1e9",
  "rate:sideways:1",
  "fb:send:",
  "fb:send:zzzzzzzz",
  "fb:send:" + "a".repeat(100),
  "fb:field:everything",
  "fb:last",
  "fb:skip",
  "status:PAKN-2026-000001",
  "status:../../x",
  "cmd:rm",
  "x".repeat(10_000),
  "ñ",
  42,
  null,
];

describe("dialogue: hostile input", () => {
  it("never throws on odd texts and actions", async () => {
    for (const text of weirdTexts) {
      wellFormed(
        await h.core.handle({ channel: "web", userId: "hostile", text } as IncomingMessage),
      );
    }
    for (const a of weirdActions) {
      wellFormed(
        await h.core.handle({
          channel: "telegram",
          userId: "hostile",
          action: a,
        } as IncomingMessage),
      );
    }
  });

  it("odd texts in every step of a draft", async () => {
    for (const text of weirdTexts) {
      await h.core.handle({ channel: "zalo", userId: "drafter", text: "/phananh" });
      wellFormed(
        await h.core.handle({ channel: "zalo", userId: "drafter", text } as IncomingMessage),
      );
      wellFormed(
        await h.core.handle({ channel: "zalo", userId: "drafter", text } as IncomingMessage),
      );
      wellFormed(
        await h.core.handle({ channel: "zalo", userId: "drafter", text } as IncomingMessage),
      );
      wellFormed(
        await h.core.handle({ channel: "zalo", userId: "drafter", text } as IncomingMessage),
      );
    }
    await h.core.handle({ channel: "zalo", userId: "drafter", text: "/huy" });
  });

  it("an invalid channel or user id gets an apology, and nothing is stored", async () => {
    const bad: unknown[] = [
      { channel: "sms", userId: "u", text: "hi" },
      { channel: "web", userId: "", text: "hi" },
      { channel: "web", userId: "a b", text: "hi" },
      { channel: "web", userId: "x".repeat(129), text: "hi" },
      { channel: "web", userId: 7, text: "hi" },
      { channel: "__proto__", userId: "u", text: "hi" },
      {},
      null,
      undefined,
    ];
    const before = h.db.prepare("SELECT count(*) AS n FROM dialogue_state").get();
    for (const msg of bad) {
      const out = await h.core.handle(msg as IncomingMessage);
      wellFormed(out);
      expect(texts(out)).toContain("Xin lỗi");
    }
    expect(h.db.prepare("SELECT count(*) AS n FROM dialogue_state").get()).toEqual(before);
  });

  it("an assistant that fails gives an apology, and the next turn works", async () => {
    const broken = makeHarness({
      core: {
        assistant: {
          ask: () => Promise.reject(new Error("retriever down at /secret/path")),
          answerFor: () => {
            throw new Error("nope");
          },
        },
      },
    });
    try {
      const out = await broken.say("đăng ký khai sinh");
      expect(texts(out)).toContain("Xin lỗi");
      expect(texts(await broken.say("/help"))).toContain("/trangthai");
    } finally {
      broken.close();
    }
  });

  it("a user flooding the bot is answered in order, one turn at a time", async () => {
    const outs = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        h.core.handle({ channel: "web", userId: "flood", text: i % 2 ? "kết hôn lệ phí" : "2" }),
      ),
    );
    outs.forEach(wellFormed);
    // Every "2" that follows a question with choices picks the second level.
    expect(outs.filter((o) => texts(o).includes("Mã thủ tục: 1.000091")).length).toBe(14);
  });

  it("filed nothing", () => {
    const n = h.db.prepare("SELECT count(*) AS n FROM feedback_cases").get() as { n: number };
    expect(n.n).toBe(0);
  });
});
