// Logger and personal-data masking, as used for everything the web server logs or stores.
import { describe, expect, it } from "vitest";
import { maskPersonalData, scrubSecrets } from "../../src/logger.ts";
import { memoryLogger } from "./helpers.ts";

describe("maskPersonalData", () => {
  it.each([
    ["gọi 0912345678 nhé", "gọi [phone] nhé"],
    ["gọi 0912 345 678", "gọi [phone]"],
    ["gọi 091.234.5678", "gọi [phone]"],
    ["gọi 0912-345-678", "gọi [phone]"],
    ["gọi +84912345678", "gọi [phone]"],
    ["gọi +84 91 234 5678", "gọi [phone]"],
    ["gọi 84912345678", "gọi [phone]"],
    ["bàn 02439876543", "bàn [phone]"],
    ["CCCD 001203004567", "CCCD [id-number]"],
    ["CCCD: 001 203 004 567.", "CCCD: [id-number]."],
    ["CMND 123456789", "CMND [id-number]"],
    ["mail Nguyen.Van-A+tthc@gmail.com.vn!", "mail [email]!"],
    ["thư lê.văn@cơquan.vn", "thư [email]"],
  ])("%s", (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it.each([
    "Thủ tục 1.001193 mất 5 ngày làm việc",
    "Phí 200.000 đồng, 1.500.000 đồng",
    "Năm 2026, quyết định số 1234/QĐ-BCA",
    "Gọi tổng đài 1022",
    "Làm căn cước cần gì?",
  ])("leaves ordinary text alone: %s", (text) => {
    expect(maskPersonalData(text)).toBe(text);
  });
});

describe("createLogger", () => {
  it("redacts secret keys and scrubs tokens in error messages", () => {
    const { logger, text, lines } = memoryLogger();
    logger.info(
      {
        token: "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        config: { embeddings: { apiKey: "sk-abcdefghijklmnopqrstu" } },
        headers: { authorization: "Bearer abcdefghijkl" },
      },
      "hello",
    );
    logger.error(
      {
        err: new Error(
          "GET https://api.telegram.org/bot123456789:ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/getMe failed",
        ),
      },
      "oops",
    );
    const out = text();
    expect(out).not.toContain("AAAAAAAAAAAA");
    expect(out).not.toContain("sk-abcdefghijklmnopqrstu");
    expect(out).not.toContain('abcdefghijkl"');
    expect(out).not.toContain("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    expect(lines()[0]).toMatchObject({ token: "[redacted]", msg: "hello" });
  });

  it("scrubSecrets", () => {
    expect(scrubSecrets("Authorization: Bearer abc.def-ghi_jkl")).toBe(
      "Authorization: Bearer [redacted]",
    );
    expect(scrubSecrets("https://x.vn/api?access_token=abc123&x=1")).toBe(
      "https://x.vn/api?access_token=[redacted]&x=1",
    );
  });
});
