import { describe, expect, it } from "vitest";

import { detectAspect } from "../../src/assistant/aspect.ts";
import type { Aspect } from "../../src/assistant/types.ts";

const cases: [Aspect, string[]][] = [
  [
    "documents",
    [
      "làm căn cước cần gì",
      "đăng ký kết hôn cần giấy tờ gì",
      "hồ sơ gồm những gì",
      "can mang gi",
      "giấy khai sinh thì cần đem theo gì",
      "ho so gom nhung gi",
    ],
  ],
  [
    "fee",
    [
      "phí làm hộ chiếu",
      "lệ phí bao nhiêu",
      "le phi bao nhieu",
      "hết bao nhiêu tiền",
      "có mất tiền không",
    ],
  ],
  ["time", ["bao lâu thì có", "mấy ngày thì xong", "thời hạn giải quyết", "bao lau"]],
  ["where", ["nộp ở đâu", "o dau", "cơ quan nào cấp", "18 tuổi đi làm căn cước lần đầu ở đâu"]],
  [
    "how",
    ["nộp online được không", "có làm trực tuyến được không", "gửi qua bưu điện", "cách nộp"],
  ],
  [
    "steps",
    ["các bước", "trình tự thực hiện", "làm thế nào", "thủ tục như thế nào", "lam the nao"],
  ],
  [
    "conditions",
    ["điều kiện là gì", "người nước ngoài có được không", "công ty cổ phần cần mấy người"],
  ],
  ["result", ["được nhận gì", "kết quả là gì"]],
  ["legal", ["căn cứ pháp lý", "theo luật nào", "nghị định nào quy định"]],
  [
    "overview",
    [
      "đăng ký khai sinh",
      "xin cấp hộ chiếu lần đầu cho con",
      "chuyển mục đích sử dụng đất phi nông nghiệp",
      "nhận tiền thai sản khi vợ sinh",
      "",
    ],
  ],
];

describe("detectAspect", () => {
  for (const [aspect, texts] of cases) {
    it.each(texts)(`${aspect}: %s`, (text) => {
      expect(detectAspect(text)).toBe(aspect);
    });
  }

  it("prefers the specific aspect over a generic one", () => {
    expect(detectAspect("làm thế nào để nộp online")).toBe("how");
    expect(detectAspect("khi nào có kết quả")).toBe("time");
    expect(detectAspect("nộp hồ sơ ở đâu")).toBe("where");
  });
});
