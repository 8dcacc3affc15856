/**
 * Rules match the words the citizen typed: an accented word must be the rule's word, and only
 * unaccented input falls back to folded forms. Procedure names shield their words from rules.
 */
import { describe, expect, it } from "vitest";

import { defaultAspectDetector } from "../../src/assistant/aspect.ts";
import { defaultIntentDetector } from "../../src/assistant/intent.ts";
import { compilePhraseSet, compileRemover, toMatchable } from "../../src/assistant/matcher.ts";
import { createNameIndex, ownNameShield } from "../../src/assistant/names.ts";
import { syllables } from "../../src/text/index.ts";
import { procedure } from "./fixtures.ts";

const intents = defaultIntentDetector();
const detectAspect = defaultAspectDetector().detectAspect;

describe("accent-aware phrases", () => {
  it("an accented word is never read as another word", () => {
    const set = compilePhraseSet(["đòi tiền", "phi công", "kết nối … tổng đài"]);
    expect(set.find(toMatchable("họ đòi tiền tôi"))).toBe("đòi tiền");
    expect(set.find(toMatchable("ho doi tien toi"))).toBe("đòi tiền");
    expect(set.find(toMatchable("tôi muốn đổi tiền"))).toBeNull();
    expect(set.find(toMatchable("phí công chứng bao nhiêu"))).toBeNull();
    expect(set.find(toMatchable("học phi công ở đâu"))).toBe("phi công");
    expect(set.find(toMatchable("kết nối giúp tôi với tổng đài"))).toBe("kết nối … tổng đài");
  });

  it("the remover drops phrases and keeps the other words", () => {
    const strip = compileRemover(["nhé", "bạn"]);
    expect(strip(toMatchable("cảm ơn bạn nhé")).words).toEqual(["cảm", "ơn"]);
    expect(strip(toMatchable("cảm ơn nhe")).words).toEqual(["cảm", "ơn"]);
    expect(strip(toMatchable("cảm ơn nhè")).words).toEqual(["cảm", "ơn", "nhè"]);
  });

  it.each([
    ["phí công bố hợp quy bao nhiêu", "fee"],
    ["lệ phí công nhận tốt nghiệp", "fee"],
    ["phí công chứng hợp đồng mua bán nhà", "fee"],
    ["làm hộ chiếu mất bao lâu", "time"],
  ])("aspect of %s is %s", (text, aspect) => {
    expect(detectAspect(text)).toBe(aspect);
  });

  it.each([
    ["đổi tiền rách ở đâu", null],
    ["cán bộ đòi tiền mới làm hồ sơ", "feedback"],
    ["can bo doi tien moi lam ho so", "feedback"],
    ["cán bộ xã vòi tiền", "feedback"],
    ["nộp hồ sơ với tiền lệ phí", null],
  ])("intent of %s is %s", (text, intent) => {
    expect(intents.detectIntent(text)).toBe(intent);
  });
});

describe("procedure names shield their words", () => {
  const catalogue = [
    procedure({
      code: "2.001621",
      name: "Hỗ trợ đầu tư xây dựng thủy lợi nhỏ (đối với nguồn vốn hỗ trợ trực tiếp của ngân sách)",
    }),
    procedure({
      code: "1.009520",
      name: "Chấp thuận hợp nhất, sáp nhập công ty đầu tư chứng khoán",
    }),
    procedure({ code: "1.000894", name: "Thủ tục đăng ký kết hôn" }),
    procedure({ code: "2.000806", name: "Đăng ký kết hôn có yếu tố nước ngoài" }),
    procedure({ code: "1.013239", name: "Cấp giấy phép xây dựng" }),
    procedure({ code: "1.013216", name: "Cấp giấy phép xây dựng", levels: ["Cấp bộ"] }),
  ];
  const names = createNameIndex(catalogue);

  it("a hand-over or off-topic phrase inside a pasted name does not count", () => {
    const pasted = "nguồn vốn hỗ trợ trực tiếp của ngân sách cần giấy tờ gì";
    expect(intents.detect(pasted)?.intent).toBe("handoff");
    expect(intents.detect(pasted, names.shield)).toBeNull();
    expect(intents.detect("tôi cần hỗ trợ trực tiếp", names.shield)?.intent).toBe("handoff");
    const securities = "sáp nhập công ty đầu tư chứng khoán phí bao nhiêu";
    expect(intents.looksOutOfScope(securities)).toBe(true);
    expect(intents.looksOutOfScope(securities, names.shield)).toBe(false);
    expect(intents.looksOutOfScope("giá chứng khoán hôm nay", names.shield)).toBe(true);
  });

  it("finds the longest name typed in full, with every record bearing it", () => {
    const words = (t: string) => syllables(t);
    expect(names.namedInFull(words("đăng ký kết hôn có yếu tố nước ngoài cần gì"))).toEqual([
      "2.000806",
    ]);
    expect(names.namedInFull(words("thủ tục đăng ký kết hôn mất bao lâu"))).toEqual(["1.000894"]);
    expect(names.namedInFull(words("cấp giấy phép xây dựng ở đâu"))).toEqual([
      "1.013239",
      "1.013216",
    ]);
    expect(names.namedInFull(words("kết hôn cần gì"))).toEqual([]);
  });

  it("words of the answered procedure's own name do not choose the aspect", () => {
    const name = "Thủ tục hủy tờ khai hải quan";
    expect(detectAspect("hủy tờ khai hải quan phí bao nhiêu")).toBe("documents");
    expect(detectAspect("hủy tờ khai hải quan phí bao nhiêu", ownNameShield(name))).toBe("fee");
    expect(detectAspect("hủy tờ khai hải quan", ownNameShield(name))).toBe("overview");
  });
});
