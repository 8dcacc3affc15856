import { describe, expect, it } from "vitest";
import { notRegulatedFeeLine, parseFee, vndAmounts } from "../../src/catalogue/parse-fee.ts";
import {
  parseTimeCell,
  resolveUnitless,
  timeFromDescription,
  timeFromSentence,
  unitFromText,
} from "../../src/catalogue/parse-time.ts";

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

  it("is not free when a 'Miễn phí' note states an amount (3.000347)", () => {
    const cell =
      "Miễn phí (- Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần. - Trường hợp tổ chức, cá nhân nộp hồ sơ theo hình thức trực tuyến: Kể từ ngày 01/12/2023 đến hết ngày 31/12/2025, áp dụng mức thu lệ phí là 115.000 đồng/lần cấp.)";
    expect(parseFee(cell)).toEqual({
      text: cell,
      free: false,
      // The temporary online level is held aside: one standard amount remains.
      amountVnd: 135_000,
      reductions: [
        {
          text: "Trường hợp tổ chức, cá nhân nộp hồ sơ theo hình thức trực tuyến: Kể từ ngày 01/12/2023 đến hết ngày 31/12/2025, áp dụng mức thu lệ phí là 115.000 đồng/lần cấp.",
          from: "2023-12-01",
          until: "2025-12-31",
        },
      ],
    });
    expect(
      parseFee("Miễn phí (- Dưới 5 tấn: 50.000 đồng/giấy; - Trên 15 tấn: 150.000 đồng/giấy.)"),
    ).toMatchObject({ free: false });
    // "06 triệu đồng": amounts in words count (1.009523).
    expect(
      parseFee(
        "Miễn phí (* Theo quy định tại Thông tư số 25/2022/TT-BTC. + 06 triệu đồng/Giấy chứng nhận.)",
      ),
    ).toMatchObject({ free: false, amountVnd: 6_000_000 });
  });

  it("keeps a free cell free and its note whole when the note only cites a fee schedule (1.000894)", () => {
    const cell =
      "Miễn phí ((Miễn lệ phí. Phí cấp bản sao Trích lục kết hôn (nếu có yêu cầu) thực hiện theo quy định tại Thông tư số 281/2016/TT-BTC ngày 14/11/2016 của Bộ Tài chính.))";
    expect(parseFee(cell)).toEqual({ text: cell, free: true });
  });

  it("trusts the note over a truncated head amount (3.000371, 1.004022)", () => {
    expect(parseFee("100 VNĐ (100.000 đồng/lần.)")?.amountVnd).toBe(100_000);
    expect(
      parseFee("900 VNĐ (Phí Thẩm định nội dung thông tin quảng cáo thuốc thú y: 900.000 đồng/lần)")
        ?.amountVnd,
    ).toBe(900_000);
    // A head over 1,000 that disagrees with its note stays two figures: no amount (1.009809).
    expect(
      parseFee(
        "1,000,000 VNĐ (* Theo quy định tại Thông tư 25/2022/TT-BTC ngày 28/4/2022: 02 triệu đồng/lần cấp.)",
      )?.amountVnd,
    ).toBeUndefined();
    // When the head's digits ran into the time's, only the note counts (1.000014).
    expect(parseFee("20 VNĐ (20.000 vnđ /tờ khai)", { headUncertain: true })?.amountVnd).toBe(
      20_000,
    );
    expect(parseFee("250 VNĐ", { headUncertain: true })?.amountVnd).toBeUndefined();
  });

  it("lists every temporary level with its dates (1.014064, Cấp lại thẻ căn cước)", () => {
    const cell =
      "70,000 Việt Nam Đồng (- Cấp lại thẻ căn cước đối với các trường hợp quy định tại khoản 2 Điều 24 Luật Căn cước: 70.000 đồng/thẻ căn cước. Kể từ ngày 01/01/2025 đến hết ngày 31/12/2025, mức thu lệ phí khi công dân nộp hồ sơ cấp đổi, cấp lại thẻ căn cước theo hình thức trực tuyển bằng 50% mức thu lệ phí quy định. - Kể từ ngày 01/7/2025 đến hết ngày 31/12/2026 mức thu lệ phí cấp đổi, cấp lại thẻ căn cước bằng 50% mức thu nêu trên theo quy định tại Thông tư số 64/2025/TT-BTC ngày 30/6/2025 của Bộ Tài chính.)";
    const fee = parseFee(cell);
    expect(fee?.amountVnd).toBe(70_000);
    expect(fee?.text).toBe(cell);
    expect(fee?.reductions).toEqual([
      {
        text: "Kể từ ngày 01/01/2025 đến hết ngày 31/12/2025, mức thu lệ phí khi công dân nộp hồ sơ cấp đổi, cấp lại thẻ căn cước theo hình thức trực tuyển bằng 50% mức thu lệ phí quy định.",
        from: "2025-01-01",
        until: "2025-12-31",
      },
      {
        text: "Kể từ ngày 01/7/2025 đến hết ngày 31/12/2026 mức thu lệ phí cấp đổi, cấp lại thẻ căn cước bằng 50% mức thu nêu trên theo quy định tại Thông tư số 64/2025/TT-BTC ngày 30/6/2025 của Bộ Tài chính.",
        from: "2025-07-01",
        until: "2026-12-31",
      },
    ]);
  });

  it("reads 'ngày d tháng m năm yyyy' dates and end dates without a start (1.005319, 1.003133)", () => {
    const cell =
      "50,000 VNĐ (50.000 đồng/CCHN (theo quy định tại Thông tư số 101/2020/TT-BTC ngày 23/11/2020 của Bộ Tài chính); 25.000 đồng/CCHN (áp dụng từ kể từ ngày 01 tháng 7 năm 2025 đến hết ngày 31 tháng 12 năm 2026 theo quy định tại Thông tư 64/2025/TT-BTC ngày 30/6/2025 của Bộ Tài chính.))";
    expect(parseFee(cell)).toMatchObject({
      amountVnd: 50_000,
      reductions: [
        {
          text: "25.000 đồng/CCHN (áp dụng từ kể từ ngày 01 tháng 7 năm 2025 đến hết ngày 31 tháng 12 năm 2026 theo quy định tại Thông tư 64/2025/TT-BTC ngày 30/6/2025 của Bộ Tài chính.)",
          from: "2025-07-01",
          until: "2026-12-31",
        },
      ],
    });
    // The only note amount is a temporary one and the head is a truncated "40": no amount.
    const pass = parseFee(
      "40 Việt Nam Đồng (4.000 đ/giấy thông hành (áp dụng đến hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC ngày 30/6/2025 của Bộ Tài chính).)",
    );
    expect(pass?.amountVnd).toBeUndefined();
    expect(pass?.reductions).toEqual([
      {
        text: "4.000 đ/giấy thông hành (áp dụng đến hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC ngày 30/6/2025 của Bộ Tài chính).",
        until: "2026-12-31",
      },
    ]);
  });

  it("does not hold the standard amounts aside for a temporary exemption (1.004286)", () => {
    const fee = parseFee(
      "400,000 VNĐ (Đồng (Sát hạch lý thuyết cấp lại giấy phép) Phí: 1700000 Đồng (Sát hạch thực hành) (Miễn phí từ ngày 07/4/2026 đến 30/6/2026 theo quy định tại Thông tư 40/2026/TT-BTC))",
    );
    expect(fee?.amountVnd).toBeUndefined(); // 400,000 and 1,700,000
    expect(fee?.reductions).toEqual([
      {
        text: "Miễn phí từ ngày 07/4/2026 đến 30/6/2026 theo quy định tại Thông tư 40/2026/TT-BTC",
        from: "2026-04-07",
        until: "2026-06-30",
      },
    ]);
  });

  it("reads 'Không quy định phí, lệ phí' as not regulated, in a cell or a description line (6.003467)", () => {
    expect(parseFee("Không quy định phí, lệ phí")).toEqual({
      text: "Không quy định phí, lệ phí",
      free: false,
      notRegulated: true,
    });
    expect(
      notRegulatedFeeLine(
        "- Trực tuyến (hệ thống liên thông quản lý văn bản)\n- 5 ngày làm việc kể từ ngày nhận được số liệu\n- Không quy định về phí, lệ phí",
      ),
    ).toEqual({ text: "Không quy định về phí, lệ phí", free: false, notRegulated: true });
    // A time that is not regulated says nothing about the fee.
    expect(notRegulatedFeeLine("Không quy định thời hạn giải quyết")).toBeNull();
    // "Miễn phí (Không quy định)": the head says free.
    expect(parseFee("Miễn phí (Không quy định)")).toEqual({
      text: "Miễn phí (Không quy định)",
      free: true,
    });
  });

  it("returns null when nothing usable is said", () => {
    expect(parseFee("")).toBeNull();
    expect(parseFee("Không có thông tin")).toBeNull();
    expect(parseFee("Phí :  Đồng")).toBeNull();
  });

  it("finds VND amounts, not dates or document numbers", () => {
    expect(
      vndAmounts(
        "2.000.000 đồng/01 đơn hàng; 15000000/lần Đồng; 400.000đ/trường hợp; 01 triệu đồng/lần",
      ),
    ).toEqual([2_000_000, 15_000_000, 400_000, 1_000_000]);
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
    // The unit was lost ("Trực tuyến1Miễn phí"): none is invented.
    expect(parseTimeCell("7")).toEqual({
      unitless: true,
      time: { amount: 7, unit: "", workingDays: false, text: "7" },
    });
  });

  it("returns null only for empty cells", () => {
    expect(parseTimeCell("")).toBeNull();
    expect(parseTimeCell("Không có thông tin")).toBeNull();
  });

  it("reads 'Không quy định' as no time limit set (source 4: 1.013144)", () => {
    expect(parseTimeCell("Không quy định")?.time).toEqual({
      amount: 0,
      unit: "",
      workingDays: false,
      text: "Không quy định",
      notRegulated: true,
    });
  });

  it("keeps a time cell written as a sentence as the time, inventing no amount", () => {
    // 1.013577 (source 4) and 1.011021 (source 1).
    expect(parseTimeCell("Chậm nhất là ngay trước khi tàu rời cảng")).toEqual({
      unitless: false,
      time: {
        amount: 0,
        unit: "",
        workingDays: false,
        text: "Chậm nhất là ngay trước khi tàu rời cảng",
      },
    });
    expect(parseTimeCell("Không phải trả kết quả cho người nộp thuế")?.time.amount).toBe(0);
    // A sentence stating exactly one duration gives its amount and unit.
    expect(timeFromSentence("Trong thời hạn 05 (năm) ngày làm việc kể từ ngày nhận hồ sơ")).toEqual(
      {
        amount: 5,
        unit: "ngày",
        workingDays: true,
        text: "Trong thời hạn 05 (năm) ngày làm việc kể từ ngày nhận hồ sơ",
      },
    );
    // Two durations: the sentence is kept, no amount.
    expect(timeFromSentence("Thời gian giải quyết 15 ngày làm việc và 47 ngày.")).toMatchObject({
      amount: 0,
      unit: "",
    });
  });
});

describe("timeFromDescription", () => {
  it("takes the one sentence that states a duration (1.003851)", () => {
    expect(timeFromDescription("15 ngày làm việc kể từ ngày nhận được hồ sơ đầy đủ")).toEqual({
      amount: 15,
      unit: "ngày",
      workingDays: true,
      text: "15 ngày làm việc kể từ ngày nhận được hồ sơ đầy đủ",
    });
  });

  it("takes the sentence that states the whole time among several (1.003213)", () => {
    const description = [
      "Nộp cho Cơ quan đại diện của Việt Nam tại nước ngoài thông qua hình thức nộp trực tiếp.",
      "Trong thời hạn 30 ngày, trong đó:",
      "- Thời gian cơ quan đại diện Việt Nam ở nước ngoài kiểm tra hồ sơ và lấy ý kiến của những người liên quan: 10 ngày, kể từ ngày nhận đủ hồ sơ hợp lệ;",
      "- Thời gian cơ quan đại diện Việt Nam ở nước ngoài tổ chức đăng ký nuôi con nuôi: 20 ngày, kể từ khi lấy ý kiến của những người liên quan.",
    ].join("\n");
    expect(timeFromDescription(description)).toEqual({
      amount: 30,
      unit: "ngày",
      workingDays: false,
      text: "Trong thời hạn 30 ngày, trong đó:",
    });
  });

  it("gives null for a breakdown with no total, a single case's time, or a date (1.003160, 1.003934, 1.000221)", () => {
    const breakdown = [
      "- Sở Tư pháp kiểm tra hồ sơ và lấy ý kiến: 20 ngày, kể từ ngày nhận đủ hồ sơ hợp lệ;",
      "- Ủy ban nhân dân cấp tỉnh ra Quyết định: 15 ngày, kể từ ngày nhận được hồ sơ do Sở Tư pháp trình.",
    ].join("\n");
    expect(timeFromDescription(breakdown)).toBeNull();
    // Agency steps "Trong thời hạn N ngày …, X làm Y" are not a total either.
    expect(
      timeFromDescription(
        "trong thời hạn 7 ngày làm việc, kể từ ngày tiếp nhận hồ sơ, Cục HKVN xem xét nội dung hồ sơ.\n- Trong thời hạn 20 ngày, Cục HKVN sẽ cấp Giấy chứng nhận tổ chức thiết kế.",
      ),
    ).toBeNull();
    expect(
      timeFromDescription(
        "Trường hợp tàu biển đã được cấp giấy phép rời cảng mà vẫn lưu lại tại cảng quá 24 giờ kể từ thời điểm tàu biển được phép rời cảng, tàu biển đó phải làm lại thủ tục xuất cảnh.",
      ),
    ).toBeNull();
    expect(
      timeFromDescription(
        "Cấp mới và hủy mã khóa truy cập. Chậm nhất vào ngày 20 tháng đầu tiên hàng quý",
      ),
    ).toBeNull();
  });

  it("keeps a sentence listing the cases' times whole, with no amount (1.003361)", () => {
    const sentence =
      "28 ngày làm việc (đối với trường hợp cấp mới), 02 ngày làm việc (đối với trường hợp cấp lại) kể từ ngày nhận được hồ sơ đầy đủ, hợp lệ theo quy định";
    expect(timeFromDescription(sentence)).toEqual({
      amount: 0,
      unit: "",
      workingDays: false,
      text: sentence,
    });
  });

  it("reads 'Không quy định thời hạn giải quyết' as not regulated (6.003500)", () => {
    expect(timeFromDescription("Không quy định thời hạn giải quyết, phí, lệ phí")).toEqual({
      amount: 0,
      unit: "",
      workingDays: false,
      text: "Không quy định thời hạn giải quyết, phí, lệ phí",
      notRegulated: true,
    });
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

  it("leaves the unit empty when no evidence gives it (1.001193: '1' on every channel)", () => {
    const cells = [parseTimeCell("1"), parseTimeCell("1")];
    expect(resolveUnitless(cells, "Nghị định số 123/2015/NĐ-CP ngày 15 tháng 11 năm 2015")).toEqual(
      [
        { amount: 1, unit: "", workingDays: false, text: "1" },
        { amount: 1, unit: "", workingDays: false, text: "1" },
      ],
    );
    // Siblings that disagree are no evidence either.
    expect(
      resolveUnitless([parseTimeCell("2"), parseTimeCell("2 Giờ"), parseTimeCell("2 Ngày")], "")[0],
    ).toMatchObject({ unit: "" });
  });

  it("prefers a sibling channel that states the unit", () => {
    const cells = [parseTimeCell("2"), parseTimeCell("2 Giờ")];
    expect(resolveUnitless(cells, "")).toEqual([
      { amount: 2, unit: "giờ", workingDays: false, text: "2" },
      { amount: 2, unit: "giờ", workingDays: false, text: "2 Giờ" },
    ]);
  });
});
