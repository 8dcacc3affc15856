import { describe, expect, it } from "vitest";
import { parseAgencies, parseAudience, parseLevels } from "../../src/catalogue/parse-lists.ts";
import { parseResult } from "../../src/catalogue/parse-result.ts";
import { parseSteps } from "../../src/catalogue/parse-steps.ts";
import { sectionsFromPageText } from "../../src/catalogue/raw-sections.ts";
import { flattened, sample } from "./flattened.ts";

describe("parseSteps", () => {
  it("splits at 'Bước N' at line starts, keeping each step's lines together", () => {
    const steps = parseSteps(sample(flattened.steps, "1.000178"));
    expect(steps).toHaveLength(5);
    expect(steps[0]).toMatch(
      /^Bước 1: Thụ lý giải quyết khiếu nại\nNếu khiếu nại thuộc thẩm quyền/,
    );
    expect(steps[4]).toMatch(/^Bước 5: Ra quyết định giải quyết khiếu nại/);
  });

  it("splits 'Bước N:' written on one line", () => {
    const steps = parseSteps(sample(flattened.bqpSteps, "1.013124"));
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(steps.map((s) => s.slice(0, 7))).toEqual(steps.map((_, i) => `Bước ${i + 1}:`));
  });

  it("falls back to one step per line", () => {
    const steps = parseSteps(sample(flattened.steps, "1.001193"));
    expect(steps[0]).toMatch(/^- Nếu lựa chọn hình thức nộp hồ sơ trực tiếp/);
    expect(steps.every((s) => s.trim() !== "")).toBe(true);
    expect(parseSteps("Không có thông tin")).toEqual([]);
    expect(parseSteps("")).toEqual([]);
  });
});

describe("lists", () => {
  it("keeps commas inside brackets and lower-case continuations", () => {
    expect(parseAudience(sample(flattened.audience, "1.000178"))).toEqual([
      "Tổ chức (không bao gồm doanh nghiệp, HTX)",
      "Công dân Việt Nam",
    ]);
    expect(parseAudience("Cán bộ, công chức, viên chức, Doanh nghiệp")).toEqual([
      "Cán bộ, công chức, viên chức",
      "Doanh nghiệp",
    ]);
  });

  it("spells levels one way for both sources", () => {
    expect(parseLevels("Cấp Bộ, Cấp Tỉnh, Cấp Xã")).toEqual(["Cấp bộ", "Cấp tỉnh", "Cấp xã"]);
    expect(parseLevels("Cấp bộ, Cấp tỉnh")).toEqual(["Cấp bộ", "Cấp tỉnh"]);
  });

  it("drops empty agencies and duplicates", () => {
    expect(
      parseAgencies(
        "Cục Thuế - Bộ tài chính, Thuế tỉnh, thành phố, Thuế cơ sở",
        "Không có thông tin",
        "cục thuế - bộ tài chính",
      ),
    ).toEqual(["Cục Thuế - Bộ tài chính", "Thuế tỉnh, thành phố", "Thuế cơ sở"]);
  });
});

describe("parseResult", () => {
  it("strips result codes, keywords, empty descriptions and the agency picker", () => {
    expect(parseResult(sample(flattened.results, "1.001193"))).toBe("Giấy khai sinh");
    expect(parseResult(sample(flattened.results, "1.000178"))).toBe(
      "Quyết định giải quyết khiếu nại lần 1, lần 2",
    );
    const several = parseResult(sample(flattened.results, "1.001521")).split("\n");
    expect(several).toHaveLength(5);
    expect(several[1]).toBe("Tiền trợ cấp");
    expect(several.join(" ")).not.toMatch(/Mã:|KQ\.|Từ khóa|Chọn cơ quan/);
  });
});

describe("sectionsFromPageText", () => {
  it("re-cuts sections when a label is quoted inside the steps", () => {
    const page =
      "Trình Tự Thực HiệnBước 1. Lập hồ sơ theo quy định tại mục 5.3 (Thành phần hồ sơ); nộp hồ sơ.\n" +
      "Bước 2. Nhận kết quả.Cách Thức Thực HiệnHình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp6 Ngày làm việcMiễn phí" +
      "Thành phần hồ sơGhi chúTên giấy tờMẫu đơn, tờ khaiSố lượngSổ BHXH1 bản chính" +
      "Căn cứ pháp lýTên văn bản pháp lýMã văn bảnLuật Bảo hiểm xã hội58/2014/QH13Cơ quan thực hiệnBHXH tỉnh";
    expect(sectionsFromPageText(page)).toEqual({
      steps:
        "Bước 1. Lập hồ sơ theo quy định tại mục 5.3 (Thành phần hồ sơ); nộp hồ sơ.\nBước 2. Nhận kết quả.",
      documents: "Ghi chúTên giấy tờMẫu đơn, tờ khaiSố lượngSổ BHXH1 bản chính",
      legal: "Tên văn bản pháp lýMã văn bảnLuật Bảo hiểm xã hội58/2014/QH13",
    });
    expect(sectionsFromPageText("")).toEqual({});
  });
});
