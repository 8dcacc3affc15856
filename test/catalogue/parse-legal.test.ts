import { describe, expect, it } from "vitest";
import { findDocumentNumbers, parseLegalBasis } from "../../src/catalogue/parse-legal.ts";
import { flattened, sample } from "./flattened.ts";

const legal = (code: string) => parseLegalBasis(sample(flattened.legal, code));

describe("parseLegalBasis", () => {
  it("splits title/number rows, including a year glued to the number", () => {
    expect(legal("1.000178")).toEqual([
      {
        number: "68/2013/TT-BCA",
        title:
          "Hướng dẫn xử lý khiếu nại, kiến nghị, phản ánh; giải quyết khiếu nại và quản lý công tác giải quyết khiếu nại trong công an nhân dân",
      },
      { number: "02/2011/QH13", title: "Luật Khiếu nại năm 2011" },
      {
        number: "11/2015/TT-BCA",
        title: "Quy định quy trình giải quyết khiếu nại trong công an nhân dân",
      },
      { number: "05/2012/NĐ-CP", title: "Nghị định 05/2012/NĐ-CP" },
    ]);
  });

  it("separates a National Assembly number from the number glued after it", () => {
    // "Luật 54/2014/QH1354/2014/QH13Thuế xuất khẩu, thuế nhập khẩu107/2016/QH13…"
    expect(legal("1.007664").map((l) => l.number)).toEqual([
      "54/2014/QH13",
      "107/2016/QH13",
      "134/2016/NĐ-CP",
    ]);
    expect(legal("1.007664")[1]?.title).toBe("Thuế xuất khẩu, thuế nhập khẩu");
  });

  it("strips the number cell's label and merges a repeated number", () => {
    // "73/2025/TT-NHNNSố 73/2025/TT-NHNNLuật Các tổ chức tín dụngLuật số 32/2024/QH15"
    expect(legal("1.001651")).toEqual([
      { number: "73/2025/TT-NHNN", title: "73/2025/TT-NHNN" },
      { number: "32/2024/QH15", title: "Luật Các tổ chức tín dụng" },
    ]);
  });

  it("reads decimal numbers, numbers followed by a space and titles starting in lower case", () => {
    const numbers = legal("1.001193").map((l) => l.number);
    expect(numbers).toHaveLength(15);
    expect(numbers).toContain("66.7/2025/NQ-CP");
    expect(numbers).toContain("18/2026/NĐ-CP");
    expect(legal("1.002508").map((l) => l.number)).toEqual([
      "86/2020/NĐ-CP",
      "171/2016/NĐ-CP",
      "247/2025/NĐ-CP",
    ]);
    expect(legal("1.002508")[2]?.title).toMatch(
      /^sửa đổi, bổ sung một số điều của Nghị định số 171\/2016/,
    );
  });

  it("stops a symbol at a spaced dash before a title and at a glued year", () => {
    expect(legal("1.003482").map((l) => l.number)).toEqual([
      "10/2014/TT-BCA",
      "76/2012/NĐ-CP",
      "12/2015/TT-BCA",
      "91/2013/NĐ-CP",
      "03/2011/QH13",
    ]);
    // "…ngày 21 tháng 02 năm 2022.65/2025/TT-BTCLuật…"
    expect(legal("2.001195").map((l) => l.number)).toContain("65/2025/TT-BTC");
  });

  it("does not repeat a bare number cell that restates the title's number", () => {
    expect(legal("3.000142")).toEqual([
      { number: "46/2020/NĐ-CP", title: "Nghị định số 46/2020/NĐ-CP" },
    ]);
  });

  it("finds numbers like 01/VBHN-BTP and 123/2015/NĐ-CP", () => {
    expect(
      findDocumentNumbers(
        "Văn bản hợp nhất 01/VBHN-BTP và Nghị định số 123/2015/NĐ-CP ngày 15/11/2015",
      ),
    ).toEqual(["01/VBHN-BTP", "123/2015/NĐ-CP"]);
  });

  it("returns [] for empty or malformed input", () => {
    expect(legal("2.000769")).toEqual([]); // "Không có thông tin"
    expect(parseLegalBasis("")).toEqual([]);
    expect(parseLegalBasis("Tên văn bản pháp lýMã văn bản")).toEqual([]);
    expect(parseLegalBasis("Luật Hộ tịch")).toEqual([]);
  });
});
