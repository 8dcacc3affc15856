import { describe, expect, it } from "vitest";
import { foldAccents, hasAccents, normalizeText } from "../../src/text/index.ts";

describe("normalizeText", () => {
  it("joins decomposed and precomposed forms (NFC)", () => {
    const decomposed = "Đăng ky\u0301 khai sinh";
    expect(normalizeText(decomposed)).toBe("Đăng ký khai sinh");
  });

  it("puts the tone of open oa/oe/uy on the first vowel", () => {
    expect(normalizeText("hoà giải")).toBe("hòa giải");
    expect(normalizeText("Thuỷ lợi, khoẻ")).toBe("Thủy lợi, khỏe");
  });

  it("leaves qu+y, closed syllables and other vowels alone", () => {
    expect(normalizeText("quý khách")).toBe("quý khách");
    expect(normalizeText("hoàng thuyền")).toBe("hoàng thuyền");
    expect(normalizeText("thuở mùa")).toBe("thuở mùa");
  });

  it("removes control characters and collapses spaces", () => {
    expect(normalizeText("  a\u0000b \t\t c\u200B ")).toBe("ab c");
  });
});

describe("foldAccents", () => {
  it("folds every tone and đ/Đ, which Unicode decomposition does not", () => {
    expect(foldAccents("Đăng ký ĐẤT ĐAI ở đâu")).toBe("dang ky dat dai o dau");
  });
  it("is stable on ASCII and repeated calls", () => {
    expect(foldAccents("CCCD")).toBe("cccd");
    expect(foldAccents("hộ")).toBe(foldAccents("hộ"));
  });
  it("hasAccents tells accented text from bare text", () => {
    expect(hasAccents("lam khai sinh")).toBe(false);
    expect(hasAccents("làm khai sinh")).toBe(true);
    expect(hasAccents("dang ky đat")).toBe(true);
  });
});
