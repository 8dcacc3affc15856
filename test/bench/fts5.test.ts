import { afterAll, describe, expect, it } from "vitest";
import { buildFts5Index, FTS5_WEIGHTS, fts5Query } from "../../bench/fts5.ts";
import { SEARCH_FIELDS } from "../../src/search/index.ts";

const doc = (code: string, fields: Record<string, string>) => ({ code, fields });

const index = buildFts5Index([
  doc("1.000001", { name: "Đăng ký khai sinh", field: "Hộ tịch", steps: "Nộp tờ khai" }),
  doc("1.000002", { name: "Cấp giấy phép xây dựng", field: "Xây dựng", steps: "Nộp hồ sơ" }),
  // "khai sinh" only in a low-weight field: must rank below the procedure named for it.
  doc("1.000003", { name: "Đăng ký kết hôn", field: "Hộ tịch", steps: "Mang giấy khai sinh" }),
]);
afterAll(() => index.close());

describe("fts5Query", () => {
  it("quotes each distinct word and joins them with OR", () => {
    expect(fts5Query("Làm căn cước cần gì? làm")).toBe('"làm" OR "căn" OR "cước" OR "cần" OR "gì"');
  });

  it("lets no FTS5 syntax through: operators become plain words, symbols separate", () => {
    expect(fts5Query('khai" OR sinh* NEAR(a b) -x ^y name:z {c} +d')).toBe(
      '"khai" OR "or" OR "sinh" OR "near" OR "a" OR "b" OR "x" OR "y" OR "name" OR "z" OR "c" OR "d"',
    );
  });

  it("is null without a word", () => {
    for (const q of ["", "   ", '"', "*", "(((", "?!", "🙂"]) expect(fts5Query(q)).toBeNull();
  });
});

describe("buildFts5Index", () => {
  it("weights the columns as SEARCH_FIELDS do (the code column first, unweighted)", () => {
    expect(FTS5_WEIGHTS).toEqual([0, ...SEARCH_FIELDS.map((f) => f.weight)]);
  });

  it("ranks the name above a low-weight field, accented or not", () => {
    expect(index.search("đăng ký khai sinh")[0]).toBe("1.000001");
    expect(index.search("khai sinh")).toEqual(["1.000001", "1.000003"]);
    expect(index.search("khai sinh", 1)).toEqual(["1.000001"]);
    expect(index.search("giay phep xay dung")[0]).toBe("1.000002");
  });

  it("does not fold đ to d (remove_diacritics keeps it)", () => {
    expect(index.search("dang ky ket hon")[0]).toBe("1.000003");
    expect(index.search("dang")).toEqual([]);
  });

  it("never throws on a question, whatever it holds", () => {
    const odd = [
      "",
      '"',
      '""""',
      "*",
      "AND",
      "OR OR OR",
      "NOT khai",
      "NEAR(khai sinh, 2)",
      "name : khai",
      "{name field}: sinh",
      "^khai",
      "khai + sinh - x",
      "'; DROP TABLE procedures; --",
      "\u0000\u0001",
      "🙂 khai",
      "x".repeat(10_000),
      Array.from({ length: 500 }, (_, i) => `w${i}`).join(" "),
      "Khai\u0301 sinh", // a combining mark
    ];
    for (const q of odd) expect(() => index.search(q), JSON.stringify(q)).not.toThrow();
    expect(index.search("NOT khai")).toContain("1.000001");
    expect(index.search("'; DROP TABLE procedures; --")).toEqual([]);
    expect(index.search("khai sinh")).toHaveLength(2);
  });
});
