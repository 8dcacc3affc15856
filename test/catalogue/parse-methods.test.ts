import { describe, expect, it } from "vitest";
import { buildMethods, parseMethods, splitMethodCells } from "../../src/catalogue/parse-methods.ts";
import { flattened, sample } from "./flattened.ts";

const methods = (code: string) =>
  parseMethods(sample(flattened.methods, code), flattened.methodsContext[code] ?? "");

describe("parseMethods", () => {
  it("reads the three channels of 1.001193 (khai sinh), free, with the unitless time kept as written", () => {
    const result = methods("1.001193");
    expect(result.map((m) => m.channel)).toEqual(["online", "post", "in_person"]);
    for (const m of result) {
      expect(m.fee).toEqual({ text: "Miễn phí", free: true });
      // No unit on the portal and none elsewhere in the record: none is invented.
      expect(m.time).toEqual({ amount: 1, unit: "", workingDays: false, text: "1" });
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
    // "Trực tuyến120 VNĐ(20.000 vnđ /tờ khai)": the head's digits are uncertain, the note is not.
    expect(methods("1.000014")[0]?.fee).toMatchObject({ free: false, amountVnd: 20000 });
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

  it("keeps a time written as words as the time, with no amount, and the description as written", () => {
    const [m] = methods("1.011021");
    expect(m?.time).toEqual({
      amount: 0,
      unit: "",
      workingDays: false,
      text: "Không phải trả kết quả cho người nộp thuế",
    });
    expect(m?.description).toMatch(/^Bằng phương thức điện tử qua Cổng dịch vụ công Quốc gia/);
  });

  it("takes the time from the description when the time cell is empty (1.003851)", () => {
    const result = parseMethods(
      "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyếnKhông có thông tinMiễn phí15 ngày làm việc kể từ ngày nhận được hồ sơ đầy đủ Dịch vụ bưu chínhKhông có thông tinMiễn phí15 ngày làm việc kể từ ngày nhận được hồ sơ đầy đủ Trực tiếpKhông có thông tinMiễn phí15 ngày làm việc kể từ ngày nhận được hồ sơ đầy đủ",
    );
    expect(result).toHaveLength(3);
    for (const m of result) {
      expect(m.time).toEqual({
        amount: 15,
        unit: "ngày",
        workingDays: true,
        text: "15 ngày làm việc kể từ ngày nhận được hồ sơ đầy đủ",
      });
      expect(m.fee).toEqual({ text: "Miễn phí", free: true });
    }
  });

  it("reads 'Không quy định thời hạn giải quyết, phí, lệ phí' in a description as time and fee not regulated (6.003500)", () => {
    const [m] = parseMethods(
      "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếpKhông có thông tinKhông có thông tinKhông quy định thời hạn giải quyết, phí, lệ phíTrực tuyếnKhông có thông tinKhông có thông tinKhông quy định thời hạn giải quyết, phí, lệ phí",
    );
    const text = "Không quy định thời hạn giải quyết, phí, lệ phí";
    expect(m?.time).toEqual({ amount: 0, unit: "", workingDays: false, text, notRegulated: true });
    expect(m?.fee).toEqual({ text, free: false, notRegulated: true });
  });

  it("reads 'Không quy định' time cells of source 4 as not regulated (1.013144)", () => {
    const rows = ["in_person", "online", "post"].map((channel) => ({
      channel: channel as "in_person" | "online" | "post",
      time: "Không quy định",
      fee: "Phí : 0 Đồng",
      description: "Không quy định thời hạn giải quyết",
    }));
    for (const m of buildMethods(rows)) {
      expect(m.time).toEqual({
        amount: 0,
        unit: "",
        workingDays: false,
        text: "Không quy định",
        notRegulated: true,
      });
      expect(m.fee).toEqual({ text: "Phí : 0 Đồng", free: true, amountVnd: 0 });
      expect(m.stage).toBeUndefined();
    }
  });

  it("numbers successive stages listed as repeated channel blocks (1.011727)", () => {
    const stage1 =
      "+ Trong thời hạn 02 ngày làm việc kể từ khi nhận đơn trình báo mất thẻ ABTC, Công an cấp huyện gửi văn bản cho Cục Quản lý xuất nhập cảnh về việc đã tiếp nhận đơn trình báo mất thẻ ABTC của doanh nhân và người gửi đơn theo mẫu CV04.";
    const stage2 =
      "+ Trong thời hạn 03 ngày làm việc kể từ khi tiếp nhận văn bản về việc đã tiếp nhận đơn trình báo mất thẻ ABTC, Cục Quản lý xuất nhập cảnh gửi thông báo cho doanh nhân biết về việc giải quyết đơn trình báo mất thẻ ABTC theo mẫu CV05.";
    const raw =
      "Hình thức nộpThời gianPhí, lệ phíMô tả" +
      ["Trực tuyến", "Dịch vụ bưu chính", "Trực tiếp"]
        .map((c) => `${c}2 Ngày làm việcKhông có thông tin${stage1}`)
        .join("") +
      ["Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính"]
        .map((c) => `${c}3 Ngày làm việcKhông có thông tin${stage2}`)
        .join("");
    const result = parseMethods(raw);
    expect(result.map((m) => [m.channel, m.stage, m.time?.amount])).toEqual([
      ["online", 1, 2],
      ["post", 1, 2],
      ["in_person", 1, 2],
      ["in_person", 2, 3],
      ["online", 2, 3],
      ["post", 2, 3],
    ]);
  });

  it("sets no stage on blocks that are cases, nor on ordinary records (1.002334, 1.013079)", () => {
    const block = (time: string, description: string) =>
      ["Trực tuyến", "Dịch vụ bưu chính", "Trực tiếp"]
        .map((c) => `${c}${time}Không có thông tin${description}`)
        .join("");
    const cases = parseMethods(
      "Hình thức nộpThời gianPhí, lệ phíMô tả" +
        block(
          "1 Ngày làm việc",
          "Trong thời hạn 01 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ theo quy định đối với các tuyến vào sâu trong lãnh thổ của hai nước.",
        ) +
        block(
          "2 Ngày làm việc",
          "Trong thời hạn 02 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ theo quy định đối với các tuyến giữa khu vực biên giới của hai nước thuộc địa phận quản lý.",
        ),
    );
    expect(cases).toHaveLength(6);
    expect(cases.some((m) => m.stage !== undefined)).toBe(false);
    // One text with a different label per block: alternatives too.
    const common =
      "- Cách thức thực hiện: + Kê khai Giấy khai đăng ký xe trên Cổng Dịch vụ công hoặc kê khai trực tiếp tại cơ quan đăng ký xe. - Thời hạn giải quyết: ";
    const labelled = parseMethods(
      "Hình thức nộpThời gianPhí, lệ phíMô tả" +
        ["Trực tuyến", "Trực tiếp"]
          .map(
            (c) =>
              `${c}7 Ngày làm việcMiễn phí${common}+ Cấp đổi biển số xe: Không quá 07 ngày làm việc, kể từ ngày nhận đủ hồ sơ hợp lệ.`,
          )
          .join("") +
        ["Trực tiếp", "Trực tuyến"]
          .map(
            (c) =>
              `${c}2 Ngày làm việcMiễn phí${common}+ Cấp đổi chứng nhận đăng ký xe: Không quá 02 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.`,
          )
          .join(""),
    );
    expect(labelled).toHaveLength(4);
    expect(labelled.some((m) => m.stage !== undefined)).toBe(false);
    expect(methods("1.001193").some((m) => m.stage !== undefined)).toBe(false);
  });

  it("ends an unclosed fee note where the description starts (1.002903)", () => {
    const [m] = parseMethods(
      "Hình thức nộpThời gianPhí, lệ phíMô tảDịch vụ bưu chính30 Ngày làm việc10,000,000 VNĐ(đồng (Miễn phí kể từ ngày 07/4/2026 đến 30/6/2026 theo Thông tư số 40/2026/TT-BTC)30 ngày kể từ ngày nhận được hồ sơ hợp lệTrực tiếp30 Ngày làm việc10,000,000 VNĐ(đồng (Miễn phí kể từ ngày 07/4/2026 đến 30/6/2026 theo Thông tư số 40/2026/TT-BTC)30 ngày kể từ ngày nhận được hồ sơ hợp lệ",
    );
    expect(m?.fee).toEqual({
      text: "10,000,000 VNĐ (đồng (Miễn phí kể từ ngày 07/4/2026 đến 30/6/2026 theo Thông tư số 40/2026/TT-BTC)",
      free: false,
      amountVnd: 10_000_000,
      reductions: [
        {
          text: "Miễn phí kể từ ngày 07/4/2026 đến 30/6/2026 theo Thông tư số 40/2026/TT-BTC",
          from: "2026-04-07",
          until: "2026-06-30",
        },
      ],
    });
    expect(m?.description).toBe("30 ngày kể từ ngày nhận được hồ sơ hợp lệ");
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
