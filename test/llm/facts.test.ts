import { describe, expect, it } from "vitest";
import {
  claimsFree,
  documentMentions,
  moneyAmounts,
  parseNumber,
  procedureCodes,
  timeLimits,
  urls,
} from "../../src/llm/facts.ts";

describe("parseNumber", () => {
  it.each([
    ["50000", 50000],
    ["50.000", 50000],
    ["50,000", 50000],
    ["1.500.000", 1500000],
    ["1,5", 1.5],
    ["2.5", 2.5],
    ["1.234,5", 1234.5],
    ["05", 5],
  ])("%s → %d", (token, value) => expect(parseNumber(token)).toBe(value));
});

describe("moneyAmounts", () => {
  it.each([
    ["Lệ phí là 50.000 đồng.", [50000]],
    ["phí 50000đ/hồ sơ", [50000]],
    ["khoảng 50 nghìn", [50000]],
    ["50 ngàn đồng", [50000]],
    ["50,000 VNĐ (Lệ phí cấp giấy chứng nhận)", [50000]],
    ["20 VNĐ (20.000 vnđ /tờ khai)", [20, 20000]],
    ["1,5 triệu đồng", [1500000]],
    ["2 tỷ", [2000000000]],
    ["50k thôi", [50000]],
    ["lệ phí 8.000 Đồng", [8000]],
  ])("%s", (text, amounts) => expect(moneyAmounts(text)).toEqual(amounts));

  it.each([
    "5 ngày làm việc",
    "Điều 3 khoản 2",
    "mã 1.001193",
    "Nghị định 123/2015/NĐ-CP",
    "2 bản chính",
    "5 điểm",
  ])("no money in %s", (text) => expect(moneyAmounts(text)).toEqual([]));
});

describe("timeLimits", () => {
  it("reads amount, unit and working days", () => {
    expect(timeLimits("Trong 5 ngày làm việc; trực tuyến 24 giờ; 3 tháng; 30 phút")).toEqual([
      { amount: 5, unit: "ngay", working: true },
      { amount: 24, unit: "gio", working: false },
      { amount: 3, unit: "thang", working: false },
      { amount: 30, unit: "phut", working: false },
    ]);
  });

  it("reads both ends of a range and leading zeros", () => {
    expect(timeLimits("từ 3 đến 05 ngày").map((t) => t.amount)).toEqual([3, 5]);
    expect(timeLimits("3-5 ngày").map((t) => t.amount)).toEqual([3, 5]);
  });

  it("reads without accents", () => {
    expect(timeLimits("mat 7 ngay lam viec")).toEqual([{ amount: 7, unit: "ngay", working: true }]);
  });

  it("does not read dates as durations", () => {
    expect(timeLimits("Luật ngày 20 tháng 11 năm 2014, Thông tư ngày 02/11/2010")).toEqual([]);
    expect(timeLimits("từ tháng 7 năm 2025")).toEqual([]);
  });
});

describe("procedureCodes, urls, claimsFree", () => {
  it("finds codes but not parts of longer numbers", () => {
    expect(procedureCodes("mã 1.001193 và (2.002001); 11.0011934 không")).toEqual([
      "1.001193",
      "2.002001",
    ]);
  });

  it("finds urls without the trailing dot", () => {
    expect(urls("Xem https://dichvucong.gov.vn/p?ma=1.001193.")).toEqual([
      "https://dichvucong.gov.vn/p?ma=1.001193",
    ]);
  });

  it("knows the ways of saying free", () => {
    expect(claimsFree("Thủ tục này miễn phí")).toBe(true);
    expect(claimsFree("khong mat phi")).toBe(true);
    expect(claimsFree("Không thu lệ phí")).toBe(true);
    expect(claimsFree("Lệ phí 8.000 đồng")).toBe(false);
  });
});

describe("documentMentions", () => {
  it("reads list items that begin like a document", () => {
    const answer = [
      "Hồ sơ gồm:",
      "- Tờ khai đăng ký khai sinh (theo mẫu)",
      "- 01 bản chính Giấy chứng sinh",
      "2. Văn bản ủy quyền",
      "- Nộp tại UBND xã",
    ].join("\n");
    expect(documentMentions(answer)).toEqual([
      "to khai dang ky khai sinh",
      "giay chung sinh",
      "van ban uy quyen",
    ]);
  });

  it("reads the parts of a label: a; b line, not the label", () => {
    expect(
      documentMentions(
        "Giấy tờ cần chuẩn bị: Tờ khai đăng ký kết hôn; Giấy xác nhận tình trạng hôn nhân.",
      ),
    ).toEqual(["to khai dang ky ket hon", "giay xac nhan tinh trang hon nhan"]);
  });

  it("ignores prose sentences and generic labels", () => {
    expect(
      documentMentions("Bạn chuẩn bị giấy tờ rồi nộp tại xã. Giấy khai sinh được trả trong ngày."),
    ).toEqual([]);
  });
});

describe("amounts and times beside URLs and ranges", () => {
  it("reads nothing inside a URL", () => {
    const url = "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfe-2aa7-746d-a514-3b49826a72f3";
    expect(moneyAmounts(`Xem ${url}`)).toEqual([]);
    expect(timeLimits(`${url}/5-ngay`)).toEqual([]);
  });

  it("reads both ends of an amount range", () => {
    expect(moneyAmounts("từ 50.000 đến 100.000 đồng")).toEqual([50000, 100000]);
    expect(moneyAmounts("1 - 2 triệu")).toEqual([1000000, 2000000]);
  });
});

describe("documentMentions: quantities and asides", () => {
  it("drops a quantity with a parenthesis and keeps the name", () => {
    expect(documentMentions("- 02 (hai) bản chính Danh sách thuyền viên (mẫu 1)")).toEqual([
      "danh sach thuyen vien",
    ]);
  });
});
