/**
 * Answers a citizen can act on: fees that never put "Miễn phí" beside an amount, reductions while
 * they apply, money one way, times as the record states them, clean document lists, and one line
 * on how to submit.
 */
import { describe, expect, it } from "vitest";

import {
  composeAmbiguous,
  composeProcedureAnswer,
  type ComposeContext,
} from "../../src/assistant/compose.ts";
import { formatFee, normalizeMoney } from "../../src/assistant/fees.ts";
import { formatTime } from "../../src/assistant/format.ts";
import { loadTemplates } from "../../src/assistant/templates.ts";
import { days, method, procedure } from "./fixtures.ts";

const ctx = (today = "2026-12-02"): ComposeContext => ({
  templates: loadTemplates(),
  hotline: "1022",
  paknUrl: "https://dichvucong.gov.vn/p/home/dvc-gop-y.html",
  today: () => today,
});

const reissue = {
  text: "70,000 Việt Nam Đồng (- Cấp lại thẻ căn cước: 70.000 đồng/thẻ căn cước. Kể từ ngày 01/01/2025 đến hết ngày 31/12/2025, mức thu khi nộp trực tuyến bằng 50% mức thu lệ phí quy định. - Kể từ ngày 01/7/2025 đến hết ngày 31/12/2026 mức thu lệ phí cấp đổi, cấp lại thẻ căn cước bằng 50% mức thu nêu trên.)",
  free: false,
  amountVnd: 70000,
  reductions: [
    {
      text: "Kể từ ngày 01/01/2025 đến hết ngày 31/12/2025, mức thu khi nộp trực tuyến bằng 50% mức thu lệ phí quy định.",
      from: "2025-01-01",
      until: "2025-12-31",
    },
    {
      text: "Kể từ ngày 01/7/2025 đến hết ngày 31/12/2026 mức thu lệ phí cấp đổi, cấp lại thẻ căn cước bằng 50% mức thu nêu trên.",
      from: "2025-07-01",
      until: "2026-12-31",
    },
  ],
};

describe("fees", () => {
  it("writes money one way", () => {
    expect(normalizeMoney("4,000,000 Việt Nam Đồng; 70,000 VNĐ; 400.000đ; 15000000 đồng")).toBe(
      "4.000.000 đồng; 70.000 đồng; 400.000 đồng; 15.000.000 đồng",
    );
  });

  it("never puts Miễn phí beside an amount the note states", () => {
    const fee = formatFee(
      { text: "Miễn phí (- Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần.)", free: false },
      "2026-12-02",
    );
    expect(fee).toBe("Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần.");
    // A cut head figure gives way to the note: "100 VNĐ (100.000 đồng/lần.)".
    expect(formatFee({ text: "100 VNĐ (100.000 đồng/lần.)", free: false }, "2026-12-02")).toBe(
      "100.000 đồng/lần.",
    );
  });

  it("keeps what a free fee's note says, and says Miễn phí alone only when it says nothing", () => {
    const note =
      "Miễn lệ phí. Phí cấp bản sao Trích lục (nếu có yêu cầu) theo Thông tư số 281/2016/TT-BTC.";
    expect(formatFee({ text: `Miễn phí (${note})`, free: true }, "2026-12-02")).toBe(note);
    expect(formatFee({ text: "Miễn phí (Không có)", free: true }, "2026-12-02")).toBe("Miễn phí");
    expect(
      formatFee(
        { text: "Không quy định phí, lệ phí", free: false, notRegulated: true },
        "2026-12-02",
      ),
    ).toBe("Không quy định phí, lệ phí");
  });

  it("shows a reduction while it applies and leaves out the ones that ended", () => {
    const now = formatFee(reissue, "2026-12-02") ?? "";
    expect(now).toContain("70.000 đồng/thẻ căn cước");
    expect(now).toContain("đến hết ngày 31/12/2026");
    expect(now).not.toContain("31/12/2025");
    const later = formatFee(reissue, "2027-01-05") ?? "";
    expect(later).toContain("70.000 đồng/thẻ căn cước");
    expect(later).not.toContain("50%");
  });
});

describe("times", () => {
  it("never invents a unit, and says when no time limit is set", () => {
    expect(formatTime({ amount: 1, unit: "", workingDays: false, text: "1" })).toBe(
      "1 (trang thủ tục không ghi đơn vị thời gian)",
    );
    expect(
      formatTime({
        amount: 0,
        unit: "",
        workingDays: false,
        text: "Không quy định",
        notRegulated: true,
      }),
    ).toBe("Không quy định thời hạn");
    expect(
      formatTime({
        amount: 0,
        unit: "",
        workingDays: false,
        text: "Chậm nhất là ngay trước khi tàu rời cảng",
      }),
    ).toBe("Chậm nhất là ngay trước khi tàu rời cảng");
  });

  it("shows successive stages as stages, not alternatives", () => {
    const p = procedure({
      code: "1.011727",
      name: "Trình báo mất thẻ ABTC",
      methods: [
        { ...method("in_person", days(2), null), stage: 1 },
        { ...method("in_person", days(3), null), stage: 2 },
      ],
    });
    const answer = composeProcedureAnswer(p, "time", ctx());
    expect(answer).toContain("Giai đoạn 1: 2 ngày làm việc; Giai đoạn 2: 3 ngày làm việc");
    expect(answer).not.toContain("hoặc");
  });

  it("answers from the description's own words when no cell gives a total", () => {
    const p = procedure({
      code: "1.003821",
      name: "Cấp giấy chứng nhận",
      methods: [
        method(
          "in_person",
          null,
          null,
          "- Trường hợp cấp mới: 09 ngày làm việc kể từ ngày nhận hồ sơ",
        ),
      ],
    });
    const answer = composeProcedureAnswer(p, "time", ctx());
    expect(answer).toContain("Trường hợp cấp mới: 09 ngày làm việc");
    expect(answer).not.toContain("không có thông tin");
  });
});

describe("documents and how to submit", () => {
  const marriage = procedure({
    code: "1.000894",
    name: "Thủ tục đăng ký kết hôn",
    agencies: ["Ủy ban nhân dân cấp xã"],
    methods: [method("online", days(1), null), method("in_person", days(1), null)],
    documents: [
      { name: "Tờ khai đăng ký kết hôn", quantity: "1 bản chính", group: "Giấy tờ phải nộp" },
      {
        name: "Giấy tờ tùy thân",
        quantity: "0 bản chính, 1 bản sao",
        group: "Giấy tờ phải xuất trình",
      },
      {
        name: "Tờ khai đăng ký kết hôn",
        quantity: "1 bản chính",
        group: "Giấy tờ phải xuất trình",
      },
    ],
    documentNotes: ["Trường hợp gửi hồ sơ qua bưu chính thì phải gửi kèm bản sao có chứng thực."],
  });

  it("counts distinct documents, hides zero counts and notes, and ends with how to submit", () => {
    const answer = composeProcedureAnswer(marriage, "documents", ctx());
    expect(answer).toContain("Hồ sơ gồm 2 giấy tờ");
    expect(answer).toContain("- Giấy tờ tùy thân (1 bản sao)");
    expect(answer).not.toContain("0 bản chính");
    expect(answer).not.toContain("Trường hợp gửi hồ sơ");
    expect(answer).toContain(
      "Nộp hồ sơ: trực tuyến qua đường link bên dưới hoặc trực tiếp tại Ủy ban nhân dân cấp xã.",
    );
    expect(composeProcedureAnswer(marriage, "where", ctx())).not.toContain("Nộp hồ sơ:");
  });

  it("keeps a single group's heading when it says what the items are", () => {
    const heading = "Văn bản chấp thuận việc nhà đầu tư đề xuất dự án gồm các nội dung sau";
    const p = procedure({
      code: "1.009487",
      name: "Trình tự chuẩn bị dự án đầu tư",
      documents: [
        { name: "Tên nhà đầu tư lập hồ sơ", group: heading },
        { name: "Các nội dung khác có liên quan", group: heading },
      ],
    });
    expect(composeProcedureAnswer(p, "documents", ctx())).toContain(`${heading}:`);
    const generic = procedure({
      code: "1.000001",
      name: "Thủ tục khác",
      documents: [{ name: "Đơn đề nghị", group: "Thành phần hồ sơ" }],
    });
    expect(composeProcedureAnswer(generic, "documents", ctx())).not.toContain("Thành phần hồ sơ:");
  });

  it("shows the portal's note when it lists no documents", () => {
    const p = procedure({
      code: "1.013644",
      name: "Thủ tục không liệt kê giấy tờ",
      documentNotes: ["Do ủy ban nhân dân cấp tỉnh quy định"],
    });
    const answer = composeProcedureAnswer(p, "documents", ctx());
    expect(answer).toContain("- Do ủy ban nhân dân cấp tỉnh quy định");
    expect(answer).not.toContain("Hồ sơ gồm");
  });
});

describe("same-name records", () => {
  it("are told apart by level, and by agency where the level is shared", () => {
    const ref = (code: string, level: string, agency: string) => ({
      code,
      name: "Cấp giấy phép xây dựng",
      level,
      agency,
      url: "https://dichvucong.gov.vn",
      score: 1,
    });
    const text = composeAmbiguous(
      [
        ref("1.000001", "Cấp tỉnh", "Sở Xây dựng"),
        ref("1.000002", "Cấp tỉnh", "Ban quản lý khu kinh tế"),
        ref("1.000003", "Cấp bộ", "Bộ Xây dựng"),
      ],
      ctx(),
    );
    expect(text).toContain("1. Cấp tỉnh – Sở Xây dựng (mã 1.000001)");
    expect(text).toContain("2. Cấp tỉnh – Ban quản lý khu kinh tế (mã 1.000002)");
    expect(text).toContain("3. Cấp bộ (mã 1.000003)");
  });
});
