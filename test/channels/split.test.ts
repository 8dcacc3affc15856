import { describe, expect, it } from "vitest";
import { splitMessage, TELEGRAM_TEXT_LIMIT, ZALO_TEXT_LIMIT } from "../../src/channels/split.ts";

const URL_A =
  "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193";

/** The words of a text, however it was cut (cuts only drop white space). */
const words = (texts: string[]) => texts.join(" ").split(/\s+/).filter(Boolean);

describe("splitMessage", () => {
  it("keeps a short text whole, trimmed; blank text gives nothing", () => {
    expect(splitMessage("  Xin chào!\n", 100)).toEqual(["Xin chào!"]);
    expect(splitMessage("", 100)).toEqual([]);
    expect(splitMessage(" \n\t ", 100)).toEqual([]);
    expect(splitMessage("x".repeat(4096), TELEGRAM_TEXT_LIMIT)).toHaveLength(1);
  });

  it("cuts only between words, each piece within the limit, nothing lost", () => {
    const sentence = "Hồ sơ gồm tờ khai đăng ký khai sinh theo mẫu và giấy chứng sinh ";
    const text = sentence.repeat(200).trim();
    const pieces = splitMessage(text, 500);
    expect(pieces.length).toBeGreaterThan(10);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(500);
      expect(p).toBe(p.trim());
    }
    expect(words(pieces)).toEqual(words([text]));
  });

  it("never cuts a link, wherever it falls", () => {
    for (let pad = 0; pad < 120; pad += 7) {
      const text = `${"Xem chi tiết tại ".repeat(3)}${"a ".repeat(pad)}${URL_A} ${"và đây nữa ".repeat(20)}${URL_A}.`;
      const pieces = splitMessage(text, 100);
      for (const p of pieces) expect(p.length).toBeLessThanOrEqual(100);
      expect(pieces.filter((p) => p.includes(URL_A)).length).toBe(2);
      expect(words(pieces)).toEqual(words([text]));
    }
  });

  it("prefers paragraph breaks, then line breaks, then sentence ends", () => {
    const para1 = "Thành phần hồ sơ. ".repeat(30).trim();
    const para2 = "Thời hạn giải quyết. ".repeat(30).trim();
    const pieces = splitMessage(`${para1}\n\n${para2}`, 700);
    expect(pieces).toEqual([para1, para2]);

    const lines = Array.from({ length: 40 }, (_, i) => `- Bước ${i + 1}: nộp hồ sơ`);
    const byLine = splitMessage(lines.join("\n"), 200);
    for (const p of byLine) expect(p.startsWith("- Bước")).toBe(true);

    const sentences = "Câu thứ nhất khá dài một chút. ".repeat(10).trim();
    const bySentence = splitMessage(sentences, 100);
    for (const p of bySentence.slice(0, -1)) expect(p.endsWith(".")).toBe(true);
  });

  it("cuts a word longer than the limit without splitting emoji or tone marks", () => {
    const emoji = "😀".repeat(40); // 80 UTF-16 units
    const pieces = splitMessage(emoji, 33);
    expect(pieces.join("")).toBe(emoji);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(33);
      expect(p).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    }
    const decomposed = "ê\u0301".normalize("NFD").repeat(30); // base + two marks each
    const cut = splitMessage(decomposed, 20);
    expect(cut.join("")).toBe(decomposed);
    for (const p of cut) expect(p).not.toMatch(/^\p{M}/u);
  });

  it("fits Telegram's and Zalo's limits", () => {
    const long = `${"Lệ phí: 8.000 đồng. ".repeat(700)} ${URL_A}`;
    for (const limit of [TELEGRAM_TEXT_LIMIT, ZALO_TEXT_LIMIT]) {
      const pieces = splitMessage(long, limit);
      expect(pieces.every((p) => p.length <= limit)).toBe(true);
      expect(pieces.at(-1)).toContain(URL_A);
    }
  });
});
