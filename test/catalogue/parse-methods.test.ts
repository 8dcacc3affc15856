import { describe, expect, it } from "vitest";
import { parseMethods, splitMethodCells } from "../../src/catalogue/parse-methods.ts";
import { flattened, sample } from "./flattened.ts";

const methods = (code: string) =>
  parseMethods(sample(flattened.methods, code), flattened.methodsContext[code] ?? "");

describe("parseMethods", () => {
  it("reads the three channels of 1.001193 (khai sinh), free, with the unitless time kept as written", () => {
    const result = methods("1.001193");
    expect(result.map((m) => m.channel)).toEqual(["online", "post", "in_person"]);
    for (const m of result) {
      expect(m.fee).toEqual({ text: "Miễn phí", free: true });
      // No unit on the portal and none elsewhere in the record: "ngày", calendar days, text "1".
      expect(m.time).toEqual({ amount: 1, unit: "ngày", workingDays: false, text: "1" });
    }
  });

  it("reads units, working days and hours", () => {
    expect(methods("1.008585").map((m) => m.time?.amount)).toEqual([40, 30, 40]);
    expect(methods("1.008585")[0]?.time?.workingDays).toBe(false);
    expect(methods("3.000141")[0]?.time).toEqual({
      amount: 8,
      unit: "giờ",
      workingDays: false,
      text: "8 Giờ",
    });
    expect(methods("1.002613")[0]?.time).toMatchObject({
      amount: 20,
      unit: "ngày",
      workingDays: true,
    });
  });

  it("reads fractional amounts", () => {
    expect(methods("1.013097")[0]?.time).toMatchObject({ amount: 1.5, workingDays: true });
    const comma = parseMethods("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp0,5 NgàyMiễn phí");
    expect(comma[0]?.time).toMatchObject({ amount: 0.5, unit: "ngày", text: "0,5 Ngày" });
  });

  it("takes the unit of a unitless time from the record's own text when it is unambiguous", () => {
    // "Trực tuyến48Miễn phí"; the steps say "Trước ít nhất 48 giờ …", "Trong thời gian 48 giờ …".
    expect(methods("1.012437")[0]?.time).toEqual({
      amount: 48,
      unit: "giờ",
      workingDays: false,
      text: "48",
    });
  });

  it("keeps 'Miễn phí' free when its note only cites a fee circular", () => {
    const [m] = methods("1.013086");
    expect(m?.fee?.free).toBe(true);
    expect(m?.fee?.amountVnd).toBeUndefined();
    expect(m?.fee?.text).toMatch(/^Miễn phí \(Thông tư số 60\/2023\/TT-BTC/);
    expect(m?.description).toMatch(/^- Cách thức thực hiện:/);
  });

  it("does not call a fee free when its note states amounts, and invents no single amount", () => {
    const [m] = methods("3.000340");
    expect(m?.fee?.free).toBe(false);
    expect(m?.fee?.amountVnd).toBeUndefined(); // 8.000.000 and 2.000.000: two figures
  });

  it("sets amountVnd only for one clearly stated amount", () => {
    expect(methods("1.004002")[0]?.fee).toEqual({
      text: "70,000 VNĐ (70.000 đồng/Giấy chứng nhận)",
      free: false,
      amountVnd: 70000,
    });
    expect(methods("1.002613")[0]?.fee?.amountVnd).toBe(2_500_000);
  });

  it("splits a unitless time glued to an amount, and distrusts the amount when the split is ambiguous", () => {
    // "Trực tuyến120,000 VNĐ(…)": only 1 + 20,000 is a valid split.
    expect(methods("1.000005")[0]).toMatchObject({
      time: { amount: 1, text: "1" },
      fee: { free: false, amountVnd: 20000 },
    });
    // "Trực tiếp1250 VNĐ": 1 + 250, 12 + 50, 125 + 0 … the amount is not clearly stated.
    const [m] = methods("2.002797");
    expect(m?.time?.amount).toBe(1);
    expect(m?.fee).toEqual({ text: "250 VNĐ", free: false });
    // "120 VNĐ(20.000 vnđ /tờ khai)": the head and the note disagree.
    expect(methods("1.000014")[0]?.fee?.amountVnd).toBeUndefined();
  });

  it("treats 'Không có thông tin' as no fee and no time, and keeps the description", () => {
    const result = methods("1.000178");
    expect(result.map((m) => m.channel)).toEqual(["post", "in_person"]);
    expect(result[0]?.fee).toBeNull();
    expect(result[0]?.description).toMatch(
      /^Thời hạn giải quyết khiếu nại lần đầu không quá 30 ngày/,
    );
    expect(
      parseMethods(
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyếnKhông có thông tinKhông có thông tin",
      ),
    ).toEqual([{ channel: "online", time: null, fee: null, description: "" }]);
  });

  it("does not start a row at a channel word inside a description", () => {
    // "…)+ Trực tuyến: nộp hồ sơ trực tuyến qua Cổng …Trực tiếp1 Ngày làm việc40 Việt Nam Đồng(…"
    const cells = splitMethodCells(sample(flattened.methods, "1.003133"));
    expect(cells.map((c) => c.channel)).toEqual(["online", "in_person"]);
    expect(cells[0]?.description).toBe(
      "+ Trực tuyến: nộp hồ sơ trực tuyến qua Cổng Dịch vụ công quốc gia hoặc Cổng Dịch vụ công Bộ Công an.",
    );
    const [online, inPerson] = methods("1.003133");
    expect(online?.fee?.amountVnd).toBe(5000); // "5,000 Việt Nam Đồng(5.000đ/giấy thông hành …)"
    expect(inPerson?.fee?.amountVnd).toBeUndefined(); // "40 Việt Nam Đồng(4.000 đ/…)"
  });

  it("keeps a time written as words in the description, not as a duration", () => {
    const [m] = methods("1.011021");
    expect(m?.time).toBeNull();
    expect(m?.description).toMatch(/^Thời hạn: Không phải trả kết quả cho người nộp thuế\n/);
  });

  it("reads the fee from the description when the fee cell is empty", () => {
    const [m] = methods("1.003135");
    expect(m?.fee?.text).toMatch(/^- Lệ phí : 20\.000 Đồng/);
    expect(m?.fee?.free).toBe(false);
    expect(m?.fee?.amountVnd).toBeUndefined(); // 20.000 and 50.000
  });

  it("keeps a nested fee note in the fee and the rest in the description", () => {
    const [m] = methods("1.004306");
    expect(m?.fee?.text).toMatch(/^Miễn phí \(15000000\/lần Đồng/);
    expect(m?.description).toBe("18 ngày, kể từ ngày nhận đủ hồ sơ hợp lệ");
  });

  it("returns [] for empty or malformed input", () => {
    expect(parseMethods("")).toEqual([]);
    expect(parseMethods("Không có thông tin")).toEqual([]);
    expect(parseMethods("Hình thức nộpThời gianPhí, lệ phíMô tả")).toEqual([]);
    expect(parseMethods("Nộp tại trụ sở cơ quan")).toEqual([]);
  });
});
