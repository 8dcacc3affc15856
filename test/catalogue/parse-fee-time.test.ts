import { describe, expect, it } from "vitest";
import { parseFee, vndAmounts } from "../../src/catalogue/parse-fee.ts";
import { parseTimeCell, resolveUnitless, unitFromText } from "../../src/catalogue/parse-time.ts";

describe("parseFee", () => {
  it("reads the source-4 cells", () => {
    expect(parseFee("Phí : 0 Đồng")).toEqual({ text: "Phí : 0 Đồng", free: true, amountVnd: 0 });
    expect(parseFee("Phí : Không Đồng")).toEqual({ text: "Phí : Không Đồng", free: true });
    expect(parseFee("Lệ phí : 50.000 Đồng")).toEqual({
      text: "Lệ phí : 50.000 Đồng",
      free: false,
      amountVnd: 50000,
    });
    expect(parseFee("Lệ phí : 10 USD (Lệ phí: 10 USD/Giấy phép)")).toEqual({
      text: "Lệ phí : 10 USD (Lệ phí: 10 USD/Giấy phép)",
      free: false,
    });
  });

  it("gives no amount for two different figures, for dollars or for amounts under 1,000 VNĐ", () => {
    expect(
      parseFee(
        "Phí : 50.000 Đồng (50.000 đồng/hồ sơ. Riêng sơ tuyển các ngành năng khiếu: 120.000 đồng/hồ sơ)",
      )?.amountVnd,
    ).toBeUndefined();
    expect(parseFee("155 VNĐ (Thẻ tạm trú …: 155 USD/thẻ.)")?.amountVnd).toBeUndefined();
    expect(parseFee("1 Việt Nam Đồng")?.amountVnd).toBeUndefined();
  });

  it("returns null when nothing usable is said", () => {
    expect(parseFee("")).toBeNull();
    expect(parseFee("Không có thông tin")).toBeNull();
    expect(parseFee("Phí :  Đồng")).toBeNull();
  });

  it("finds VND amounts, not dates or document numbers", () => {
    expect(
      vndAmounts("2.000.000 đồng/01 đơn hàng; 15000000/lần Đồng; 400.000đ/trường hợp"),
    ).toEqual([2_000_000, 15_000_000, 400_000]);
    expect(vndAmounts("Thông tư số 172/2010/TT-BTC ngày 02/11/2010, khoản 3 đồng thời")).toEqual(
      [],
    );
  });
});

describe("parseTimeCell", () => {
  it("reads amounts, units and ranges", () => {
    expect(parseTimeCell("30 Ngày làm việc")?.time).toEqual({
      amount: 30,
      unit: "ngày",
      workingDays: true,
      text: "30 Ngày làm việc",
    });
    expect(parseTimeCell("0.5 Giờ")?.time).toMatchObject({ amount: 0.5, unit: "giờ" });
    expect(parseTimeCell("10-25")).toMatchObject({
      time: { amount: 25, text: "10-25" },
      unitless: true,
    });
    expect(parseTimeCell("7")).toMatchObject({
      unitless: true,
      time: { unit: "ngày", workingDays: false },
    });
  });

  it("returns null for cells that are not durations", () => {
    expect(parseTimeCell("")).toBeNull();
    expect(parseTimeCell("Không quy định")).toBeNull();
    expect(parseTimeCell("Chậm nhất là ngay trước khi tàu rời cảng")).toBeNull();
  });
});

describe("unit inference for unitless times", () => {
  it("needs one consistent unit and ignores dates and frequencies", () => {
    expect(unitFromText(5, "trong thời hạn 05 (năm) ngày làm việc kể từ …")).toEqual({
      unit: "ngày",
      workingDays: true,
    });
    expect(unitFromText(1, "Nghị định số 181/2025/NĐ-CP ngày 01 tháng 7 năm 2025")).toBeNull();
    expect(unitFromText(1, "đăng ký với cơ quan hải quan (01 năm một lần)")).toBeNull();
    expect(unitFromText(3, "03 ngày làm việc … hoặc 03 ngày")).toBeNull();
  });

  it("prefers a sibling channel that states the unit", () => {
    const cells = [parseTimeCell("2"), parseTimeCell("2 Giờ")];
    expect(resolveUnitless(cells, "")).toEqual([
      { amount: 2, unit: "giờ", workingDays: false, text: "2" },
      { amount: 2, unit: "giờ", workingDays: false, text: "2 Giờ" },
    ]);
  });
});
