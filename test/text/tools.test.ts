import { describe, expect, it } from "vitest";
import {
  bigrams,
  createAccentRestorer,
  createAcronymExpander,
  createSynonymExpander,
  loadSynonyms,
  syllables,
} from "../../src/text/index.ts";
import { DataFileError } from "../../src/errors.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

describe("syllables and bigrams", () => {
  it("splits on anything but letters and digits, lower-cased", () => {
    expect(syllables("Cấp lại GPLX (hạng B2)!")).toEqual(["cấp", "lại", "gplx", "hạng", "b2"]);
    expect(bigrams(["a", "b", "c"])).toEqual(["a_b", "b_c"]);
    expect(syllables("🙂🙂 * NEAR( OR -")).toEqual(["near", "or"]);
  });
});

describe("synonyms", () => {
  const expander = createSynonymExpander([
    { say: ["sổ đỏ", "sổ hồng"], means: "giấy chứng nhận quyền sử dụng đất" },
    { say: ["cccd"], means: "thẻ căn cước" },
  ]);
  it("finds phrases with or without accents, on whole syllables", () => {
    expect(expander.expand("lam so do mat bao lau")).toEqual(["giấy chứng nhận quyền sử dụng đất"]);
    expect(expander.expand("Làm CCCD")).toEqual(["thẻ căn cước"]);
    expect(expander.expand("sổ đỏng")).toEqual([]);
  });
  it("in a question typed with accents, a word means what is written: cho/chợ are not chó", () => {
    const pets = createSynonymExpander([
      { say: ["chó", "gà"], means: "động vật kiểm dịch" },
      { say: ["sổ đỏ"], means: "giấy chứng nhận quyền sử dụng đất" },
      { say: ["gplx"], means: "giấy phép lái xe" },
      { say: ["vat"], means: "giá trị gia tăng" },
    ]);
    expect(pets.expand("hồ sơ xác nhận nguồn gốc động vật")).toEqual([]);
    expect(pets.expand("hoàn thuế VAT")).toEqual(["giá trị gia tăng"]);
    expect(pets.expand("khai tử cho ông nội")).toEqual([]);
    expect(pets.expand("rơi mất thẻ căn cước ngoài chợ")).toEqual([]);
    expect(pets.expand("ra ga tàu làm gì")).toEqual([]);
    expect(pets.expand("đưa chó đi tiêm phòng")).toEqual(["động vật kiểm dịch"]);
    expect(pets.expand("làm lại GPLX ở đâu")).toEqual(["giấy phép lái xe"]);
    // Typed without any accent, the question could mean either: read folded.
    expect(pets.expand("dua cho di tiem phong")).toEqual(["động vật kiểm dịch"]);
    expect(pets.expand("so do mat")).toEqual(["giấy chứng nhận quyền sử dụng đất"]);
    // One match per phrase and meaning, with the syllables it covered.
    expect(pets.match("cấp sổ đỏ")).toEqual([
      { means: "giấy chứng nhận quyền sử dụng đất", start: 1, end: 3, unambiguous: true },
    ]);
    // A one-syllable phrase with accents, found in a question typed without them, is a hint only.
    expect(pets.match("dua cho di tiem phong")).toEqual([
      { means: "động vật kiểm dịch", start: 1, end: 2, unambiguous: false },
    ]);
    expect(pets.match("so do mat")[0]?.unambiguous).toBe(true);
    expect(pets.match("hoan thue vat")[0]?.unambiguous).toBe(true); // "VAT" has no accents to lose
  });
  it("the bundled file is valid and maps the usual abbreviations", () => {
    const bundled = createSynonymExpander(loadSynonyms());
    expect(bundled.expand("gplx").join(" ")).toContain("giấy phép lái xe");
    expect(bundled.expand("bhxh").join(" ")).toContain("bảo hiểm xã hội");
    expect(bundled.expand("chuyen ho khau").join(" ")).toContain("thường trú");
  });
  it("a broken file is reported by name", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "motcua-syn-"));
    const file = path.join(dir, "s.json");
    writeFileSync(file, JSON.stringify({ entries: [{ say: [], means: "x" }] }));
    expect(() => loadSynonyms(file)).toThrow(DataFileError);
    writeFileSync(file, "{not json");
    expect(() => loadSynonyms(file)).toThrow(/s\.json/);
  });
});

describe("accent restoration", () => {
  const restorer = createAccentRestorer([
    { text: "Thủ tục đăng ký khai sinh", weight: 1 },
    { text: "Cấp lại thẻ căn cước", weight: 1 },
    { text: "cần giấy tờ gì", weight: 5 },
    { text: "căn nhà", weight: 1 },
    { text: "làm ở đâu", weight: 5 },
    { text: "đầu tư", weight: 2 },
  ]);
  it("reads unaccented syllables by their context", () => {
    expect(restorer.restore("dang ky khai sinh can giay to gi")).toBe(
      "đăng ký khai sinh cần giấy tờ gì",
    );
    expect(restorer.restore("cap lai the can cuoc")).toBe("cấp lại thẻ căn cước");
    expect(restorer.restore("lam o dau")).toBe("làm ở đâu");
  });
  it("keeps unknown syllables and copes with empty text", () => {
    expect(restorer.restore("xyz khai sinh")).toBe("xyz khai sinh");
    expect(restorer.restore("   ")).toBe("");
  });
  it("splits words typed without their spaces into syllables seen together", () => {
    expect(restorer.respace("lam khaisinh o dau")).toBe("lam khai sinh o dau");
    expect(restorer.respace("dangkykhaisinh")).toBe("dang ky khai sinh");
    expect(restorer.respace("Cấp lại thẻ căncước")).toBe("Cấp lại thẻ căn cước");
    expect(restorer.respace("KhaiSinh, cangiayto gi?")).toBe("Khai Sinh, can giay to gi?");
  });
  it("splits a word typed with accents into syllables as typed, neighbours seen or not", () => {
    // "làm giấy" never occurs in the corpus, but both are syllables with these accents.
    expect(restorer.respace("làmgiấy khai sinh")).toBe("làm giấy khai sinh");
    // Unaccented, the same pair is left as typed: without accents it could be anything.
    expect(restorer.respace("lamgiay")).toBe("lamgiay");
  });
  it("leaves known syllables, unseen neighbours, other accents and long runs as typed", () => {
    expect(restorer.respace("khai sinh")).toBe("khai sinh");
    // "sinh" and "khai" are syllables, but never seen in that order.
    expect(restorer.respace("sinhkhai")).toBe("sinhkhai");
    // The accents typed must be the corpus's: "khải sinh" is not in it.
    expect(restorer.respace("khảisinh")).toBe("khảisinh");
    expect(restorer.respace("passport gplx cccd")).toBe("passport gplx cccd");
    const long = "khaisinh".repeat(4);
    expect(restorer.respace(long)).toBe(long);
    expect(restorer.respace("")).toBe("");
  });
});

describe("acronyms learned from names", () => {
  const acronyms = createAcronymExpander([
    "Cấp Giấy phép lưu hành xe quá tải trọng",
    "Cấp lại Giấy phép lưu hành xe",
    "Đăng ký kinh doanh",
    "Thủ tục thực hiện chế độ hưu trí",
    "Thủ tục thực hiện chế độ tử tuất",
    "Giải quyết thủ tục hành chính trực tuyến",
    "Tra cứu thủ tục hành chính",
    "Tàu biển không thời hạn",
    "Công nhận tiến bộ kỹ thuật",
  ]);
  it("reads an unknown word as the phrase whose initials it spells", () => {
    expect(acronyms.spell("gplhx")).toBe("giấy phép lưu hành xe");
  });
  it("prefers a phrase of its own to a more frequent run inside a longer phrase", () => {
    // "tục thực hiện chế" (twice) is always "thủ tục thực hiện chế độ": not a reading.
    expect(acronyms.spell("tthc")).toBe("thủ tục hành chính");
  });
  it("takes a run at the start or end of names for a phrase of its own", () => {
    const atStart = createAcronymExpander([
      "Kết cấu hạ tầng giao thông",
      "Kết cấu hạ tầng đường sắt",
      "Khai cấp hồ tên",
    ]);
    expect(atStart.spell("kcht")).toBe("kết cấu hạ tầng");
  });
  it("gives no reading when two runs spell it once each", () => {
    expect(acronyms.spell("tbkt")).toBeNull();
  });
  it("ignores known words, short words and non-letters", () => {
    for (const w of ["xe", "kd", "123", "giấy"]) expect(acronyms.spell(w)).toBeNull();
  });
});
