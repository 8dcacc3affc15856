import { describe, expect, it } from "vitest";
import {
  buildTextTools,
  createLexicalRetriever,
  judgeConfidence,
  MARGIN_WORDS,
  MAX_QUERY_CHARS,
  scaledMargin,
  wordsBeyond,
} from "../../src/search/index.ts";
import { AMBIGUOUS_MARGIN } from "../../src/search/confidence.ts";
import { baseName, levelRank, variantWordsOf } from "../../src/search/variants.ts";
import { procedure } from "../assistant/fixtures.ts";

const catalogue = [
  procedure({ code: "1.001193", name: "Thủ tục đăng ký khai sinh", field: "Hộ tịch" }),
  procedure({ code: "1.004884", name: "Thủ tục đăng ký lại khai sinh", field: "Hộ tịch" }),
  procedure({ code: "1.000656", name: "Thủ tục đăng ký khai tử", field: "Hộ tịch" }),
  procedure({ code: "1.000894", name: "Thủ tục đăng ký kết hôn", field: "Hộ tịch" }),
  procedure({
    code: "1.014064",
    name: "Cấp lại thẻ căn cước",
    field: "Căn cước",
    levels: ["Cấp xã"],
  }),
  procedure({
    code: "1.000757",
    name: "Cấp lại thẻ căn cước (thực hiện tại cấp trung ương)",
    field: "Căn cước",
    levels: ["Cấp bộ"],
  }),
  procedure({ code: "1.014063", name: "Cấp đổi thẻ căn cước", field: "Căn cước" }),
  procedure({ code: "3.000348", name: "Cấp lại giấy phép lái xe", field: "Đường bộ" }),
  procedure({
    code: "1.000028",
    name: "Cấp Giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn",
    field: "Đường bộ",
  }),
  procedure({
    code: "1.012783",
    name: "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
    field: "Đất đai",
  }),
  procedure({ code: "1.004222", name: "Đăng ký thường trú", field: "Đăng ký, quản lý cư trú" }),
];
const retriever = createLexicalRetriever(catalogue, buildTextTools(catalogue));
const top = (q: string) => retriever.search(q, 5).hits[0]?.code;

describe("lexical retriever", () => {
  it("finds a procedure from accented and unaccented questions alike", () => {
    expect(top("làm khai sinh cho con cần gì")).toBe("1.001193");
    expect(top("lam khai sinh cho con can gi")).toBe("1.001193");
    expect(top("dang ky ket hon o dau")).toBe("1.000894");
  });

  it("tells close names apart by the words asked", () => {
    expect(top("đăng ký lại khai sinh")).toBe("1.004884");
    expect(top("đăng ký khai tử")).toBe("1.000656");
  });

  it("reads citizen wording through the synonym list", () => {
    expect(top("mất cccd làm lại")).toBe("1.014064");
    expect(top("bang lai xe bi mat")).toBe("3.000348");
    expect(top("đổi sổ đỏ bị mờ")).toBe("1.012783");
    expect(top("chuyển hộ khẩu về quê")).toBe("1.004222");
  });

  it("ranks the citizen-facing level before the central one for the same name", () => {
    const codes = retriever.search("cấp lại thẻ căn cước", 5).hits.map((h) => h.code);
    expect(codes.indexOf("1.014064")).toBeLessThan(codes.indexOf("1.000757"));
  });

  it("reads acronyms learned from the catalogue names", () => {
    expect(top("xin GPLHX cho xe quá khổ")).toBe("1.000028");
  });

  it("puts a procedure code typed in the question first", () => {
    const r = retriever.search("thủ tục 1.000656 cần gì", 5);
    expect(r.hits[0]?.code).toBe("1.000656");
    expect(r.confidence).toBe("sure");
  });

  it("returns scores best first and respects the limit", () => {
    const { hits } = retriever.search("đăng ký", 3);
    expect(hits.length).toBeLessThanOrEqual(3);
    for (let i = 1; i < hits.length; i++)
      expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
  });

  it("says not_found for questions outside the catalogue", () => {
    expect(retriever.search("thời tiết ngày mai có mưa không", 5).confidence).toBe("not_found");
    expect(retriever.search("", 5)).toEqual({ hits: [], confidence: "not_found" });
  });

  it("never throws on hostile or odd input", () => {
    for (const q of [
      '" * NEAR( OR -',
      "'; DROP TABLE procedures; --",
      "🙂🙂🙂",
      "\u0000\u0007\u001b[31m",
      "khai sinh ".repeat(20_000),
      "Регистрация рождения 出生登记 khai sinh",
    ]) {
      expect(() => retriever.search(q, 10)).not.toThrow();
    }
    expect(top("Регистрация 出生登记 khai sinh")).toBe("1.001193");
    expect(MAX_QUERY_CHARS).toBeGreaterThan(100);
  });
});

describe("judgeConfidence", () => {
  const words = (code: string) => new Set(code === "a" ? ["khai", "sinh"] : ["ket", "hon"]);
  const q = new Map([
    ["khai", 2],
    ["sinh", 2],
  ]);
  it("is sure when the best hit covers the question and stands clear", () => {
    expect(
      judgeConfidence(
        [
          { code: "a", score: 1.4 },
          { code: "b", score: 1.1 },
        ],
        100,
        q,
        words,
      ),
    ).toBe("sure");
  });
  it("is ambiguous when the runner-up is as strong", () => {
    expect(
      judgeConfidence(
        [
          { code: "a", score: 1.4 },
          { code: "b", score: 1.37 },
        ],
        100,
        q,
        words,
      ),
    ).toBe("ambiguous");
  });
  it("does not count a copy of the best procedure at another level as a runner-up", () => {
    const hits = [
      { code: "a", score: 1.4 },
      { code: "a-tinh", score: 1.39 },
      { code: "b", score: 1.1 },
    ];
    const base = (code: string) => code.split("-")[0]!;
    expect(judgeConfidence(hits, 100, q, words, base)).toBe("sure");
    expect(judgeConfidence(hits, 100, q, words)).toBe("ambiguous");
  });
  it("is not_found when the best hit shares too little with the question", () => {
    expect(judgeConfidence([{ code: "b", score: 10 }], 100, q, words)).toBe("not_found");
    expect(judgeConfidence([], 100, q, words)).toBe("not_found");
  });
  it("is not_found when even the best BM25 score is weak", () => {
    expect(judgeConfidence([{ code: "a", score: 1.4 }], 12, q, words)).toBe("not_found");
    expect(judgeConfidence([{ code: "a", score: 1.4 }], 45, q, words)).toBe("sure");
  });
  it("scales the floor for a name said by a synonym only when that name holds the question", () => {
    const hit = [{ code: "a", score: 1.4 }];
    const half = { floorScale: 0.5 };
    expect(judgeConfidence(hit, 20, q, words, undefined, 0, half)).toBe("sure");
    expect(judgeConfidence(hit, 20, q, words)).toBe("not_found");
    const mostlyElse = new Map([...q, ["phim", 8]]); // "khai sinh" is under half of it
    expect(judgeConfidence(hit, 20, mostlyElse, words, undefined, 0, half)).toBe("not_found");
  });
  it("asks a larger margin of a question saying over MARGIN_WORDS syllables beyond the name", () => {
    const hits = [
      { code: "a", score: 1.4 },
      { code: "b", score: 1.4 - 1.5 * AMBIGUOUS_MARGIN },
    ];
    const judge = (n: number) => judgeConfidence(hits, 100, q, words, undefined, n);
    expect(judge(MARGIN_WORDS)).toBe("sure");
    expect(judge(1.4 * MARGIN_WORDS)).toBe("sure");
    expect(judge(1.6 * MARGIN_WORDS)).toBe("ambiguous");
    expect(scaledMargin(0.1, 3 * MARGIN_WORDS)).toBeCloseTo(0.3);
  });
  it("counts the syllables of the question that the name does not hold, accents folded", () => {
    const asked = ["lam", "khai", "sinh", "cho", "con", "o", "dau"];
    expect(wordsBeyond(asked, "Đăng ký khai sinh")).toBe(5);
    expect(wordsBeyond(["Đăng", "ký", "khai", "sinh"], "Thủ tục đăng ký khai sinh")).toBe(0);
    expect(wordsBeyond([], "Đăng ký khai sinh")).toBe(0);
  });
});

describe("procedure variants", () => {
  it("one base name for the copies of a procedure at several levels", () => {
    expect(baseName("Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp tỉnh)")).toBe(
      baseName("Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp trung ương)"),
    );
    expect(baseName("Thủ tục đăng ký khai sinh")).toBe(baseName("Đăng ký khai sinh"));
    expect(baseName("Cấp lại thẻ căn cước")).not.toBe(baseName("Cấp thẻ căn cước"));
  });
  it("ranks levels from the commune desk up", () => {
    const p = (name: string, levels: string[]) => procedure({ code: "1.000001", name, levels });
    expect(levelRank(p("Cấp đổi thẻ căn cước", ["Cấp xã"]))).toBe(0);
    expect(levelRank(p("Cấp đổi thẻ căn cước (thực hiện tại cấp tỉnh)", ["Cấp tỉnh"]))).toBe(1);
    expect(levelRank(p("X (thực hiện tại cấp trung ương)", ["Cấp bộ", "Cấp xã"]))).toBe(2);
    expect(levelRank(p("X", []))).toBe(3);
  });
  it("finds the variant words of a name", () => {
    expect(variantWordsOf("Cấp lại thẻ căn cước")).toEqual(["lai"]);
    expect(variantWordsOf("Gia hạn tạm trú")).toEqual(["gia han"]);
    expect(variantWordsOf("Đăng ký khai sinh")).toEqual([]);
  });
  it("prefers the plain act when the question names no variant", () => {
    const codes = retriever.search("cấp thẻ căn cước", 5).hits.map((h) => h.code);
    expect(codes).toContain("1.014064");
    expect(top("cấp lại thẻ căn cước")).toBe("1.014064");
    expect(top("cấp đổi thẻ căn cước")).toBe("1.014063");
  });
});

describe("question words and their folds", () => {
  it("a pair typed with accents counts little only when both words are question words as typed", () => {
    const terms = (q: string) => retriever.queryTerms(q).terms;
    // "thu hồi" folds onto "thủ" + "hỏi" word by word, but is no question phrase.
    expect(terms("thu hồi giấy phép").get("thu_hoi")).toBe(1);
    expect(terms("tôi muốn hỏi giấy phép").get("muon_hoi")).toBeCloseTo(0.1);
  });
});
