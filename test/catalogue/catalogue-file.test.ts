import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../src/catalogue/index.ts";

describe("the committed data/catalogue.jsonl.gz", () => {
  const records = loadCatalogue();

  it("holds at least 2,800 valid records with unique codes, sorted", () => {
    expect(records.length).toBeGreaterThanOrEqual(2800);
    const codes = records.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual(codes);
  });

  it("meets the parse targets", () => {
    const share = (ok: (r: (typeof records)[number]) => boolean) =>
      records.filter(ok).length / records.length;
    expect(share((r) => r.documents.length > 0)).toBeGreaterThanOrEqual(0.97);
    expect(share((r) => r.methods.some((m) => m.time !== null))).toBeGreaterThanOrEqual(0.9);
    expect(share((r) => r.methods.some((m) => m.fee !== null))).toBeGreaterThanOrEqual(0.85);
    expect(share((r) => r.legalBasis.length > 0)).toBeGreaterThanOrEqual(0.95);
  });

  it("keeps a portal URL on every record and both sources", () => {
    expect(records.every((r) => r.url.startsWith("https://dichvucong.gov.vn/"))).toBe(true);
    expect(new Set(records.map((r) => r.source))).toEqual(
      new Set(["dvc-ministry-tthc", "bqp-structured-tthc"]),
    );
  });

  it("has khai sinh (1.001193) with three free channels and the birth registration form", () => {
    const khaiSinh = records.find((r) => r.code === "1.001193");
    expect(khaiSinh?.name).toBe("Thủ tục đăng ký khai sinh");
    expect(khaiSinh?.methods.map((m) => m.channel).sort()).toEqual(["in_person", "online", "post"]);
    expect(khaiSinh?.methods.every((m) => m.fee?.free === true)).toBe(true);
    expect(khaiSinh?.documents.some((d) => d.name.startsWith("Tờ khai đăng ký khai sinh"))).toBe(
      true,
    );
    expect(khaiSinh?.legalBasis.map((l) => l.number)).toContain("123/2015/NĐ-CP");
  });

  it("stores normalized text (NFC, one tone placement)", () => {
    const notNormalized = records
      .filter((r) => {
        const text = JSON.stringify(r);
        return text !== text.normalize("NFC") || /(?:hoà|hoá|thuỷ|khoẻ)(?!\p{L})/u.test(text);
      })
      .map((r) => r.code);
    expect(notNormalized).toEqual([]);
  });
});
