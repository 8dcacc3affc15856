import { describe, expect, it } from "vitest";
import { checkGrounding } from "../../src/llm/grounding.ts";
import { birth, marriage, passport } from "./fixtures.ts";

const retrieved = [birth, passport, marriage];
const check = (answer: string, citedCodes: string[] = ["1.001193"]) =>
  checkGrounding({ answer, citedCodes }, retrieved);

describe("checkGrounding: codes", () => {
  it("passes a grounded answer", () => {
    const answer = [
      "Đăng ký khai sinh (mã 1.001193): nộp trực tuyến miễn phí, trong 1 ngày làm việc;",
      "nộp trực tiếp lệ phí 8.000 đồng, trong 3 ngày làm việc.",
      "Hồ sơ gồm:",
      "- Tờ khai đăng ký khai sinh theo mẫu",
      "- Giấy chứng sinh",
    ].join("\n");
    expect(check(answer)).toEqual({ passed: true, reasons: [] });
  });

  it("needs at least one cited code", () => {
    expect(check("Bạn nộp tại xã.", [])).toEqual({ passed: false, reasons: ["no_citation"] });
  });

  it("rejects a cited code that was not retrieved", () => {
    const r = check("Xem mã 1.999999.", ["1.999999"]);
    expect(r.passed).toBe(false);
    expect(r.reasons).toContain("unknown_code:1.999999");
    expect(r.reasons).toContain("unknown_code_in_text:1.999999");
  });

  it("rejects a code written in the answer that was not retrieved", () => {
    expect(check("Có thể xem thêm thủ tục 3.000123.").reasons).toEqual([
      "unknown_code_in_text:3.000123",
    ]);
  });
});

describe("checkGrounding: amounts", () => {
  it.each(["8.000 đồng", "8000đ", "8 nghìn đồng", "8,000 VNĐ", "8 ngàn"])(
    "accepts %s for a record saying 8.000 Đồng",
    (fee) => expect(check(`Lệ phí là ${fee}.`).passed).toBe(true),
  );

  it("rejects an invented fee", () => {
    expect(check("Lệ phí là 50.000 đồng.")).toEqual({
      passed: false,
      reasons: ["amount_not_in_records:50000"],
    });
  });

  it("takes amounts from the cited records only", () => {
    // 200.000 đồng is the passport's fee, not the birth registration's.
    expect(check("Lệ phí 200.000 đồng.").reasons).toEqual(["amount_not_in_records:200000"]);
    expect(check("Lệ phí 200.000 đồng.", ["2.002001"]).passed).toBe(true);
  });

  it("rejects 'free' when no cited record is free", () => {
    expect(check("Thủ tục này miễn phí.", ["2.002001"]).reasons).toEqual(["free_not_in_records"]);
  });
});

describe("checkGrounding: time limits", () => {
  it("accepts the record's times with or without 'làm việc'", () => {
    expect(check("Trực tuyến 1 ngày làm việc, trực tiếp 3 ngày.").passed).toBe(true);
  });

  it("rejects an invented time", () => {
    expect(check("Giải quyết trong 5 ngày làm việc.").reasons).toEqual([
      "time_not_in_records:5 ngay",
    ]);
  });

  it("rejects 'làm việc' when the record counts calendar time", () => {
    expect(check("Trong 24 giờ làm việc.", ["1.000894"]).reasons).toEqual([
      "working_days_not_in_records:24 gio",
    ]);
    expect(check("Trong 24 giờ.", ["1.000894"]).passed).toBe(true);
  });

  it("accepts a time written in another field of the record (the steps)", () => {
    expect(check("Nộp sau 15 giờ thì hẹn ngày hôm sau.").passed).toBe(true);
  });

  it("does not read dates as time limits", () => {
    expect(check("Theo Luật Hộ tịch ngày 20 tháng 11 năm 2014.").passed).toBe(true);
  });
});

describe("checkGrounding: documents and links", () => {
  it("accepts documents named loosely, folded, in another order", () => {
    const answer =
      "Hồ sơ gồm:\n- To khai dang ky khai sinh\n- Bản chính giấy chứng sinh của cơ sở y tế";
    expect(check(answer).passed).toBe(true);
  });

  it("rejects a document no cited record lists", () => {
    const answer = "Hồ sơ gồm:\n- Tờ khai đăng ký khai sinh\n- Giấy xác nhận tình trạng hôn nhân";
    expect(check(answer).reasons).toEqual([
      "document_not_in_records:giay xac nhan tinh trang hon nhan",
    ]);
  });

  it("accepts the cited record's url and rejects others", () => {
    expect(check(`Chi tiết: ${birth.url}.`).passed).toBe(true);
    expect(check("Chi tiết: https://example.com/khai-sinh").reasons).toEqual([
      "url_not_in_records",
    ]);
    expect(
      checkGrounding(
        { answer: "Góp ý: https://example.com/pakn", citedCodes: ["1.001193"] },
        retrieved,
        { allowedUrls: ["https://example.com/pakn"] },
      ).passed,
    ).toBe(true);
  });

  it("lists every failure", () => {
    const r = check("Lệ phí 75.000 đồng, trong 10 ngày. Xem mã 9.000001.", ["1.001193"]);
    expect(r.reasons).toEqual([
      "unknown_code_in_text:9.000001",
      "amount_not_in_records:75000",
      "time_not_in_records:10 ngay",
    ]);
  });
});
