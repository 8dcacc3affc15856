import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import {
  CatalogueParseError,
  CatalogueSourceError,
  formatCoverageReport,
  importCatalogue,
  loadCatalogue,
  parseImportArgs,
  runImport,
  writeCatalogue,
} from "../../src/catalogue/index.ts";
import { RAW_FIXTURE_DIR } from "./flattened.ts";

const tmp = mkdtempSync(join(tmpdir(), "motcua-catalogue-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("importCatalogue on the fixture sources", () => {
  const result = importCatalogue({ rawDir: RAW_FIXTURE_DIR });

  it("keeps one valid record per code, sorted, and rejects bad lines", () => {
    expect(result.records.map((r) => r.code)).toEqual([
      "1.000014",
      "1.001193",
      "1.001521",
      "1.011021",
      "1.013124",
      "1.013577",
      "1.013629",
      "2.000769",
      "3.000422",
    ]);
    expect(result.report.sources).toEqual({
      "dvc-ministry-tthc": { read: 8, kept: 5, rejected: 3 },
      "bqp-structured-tthc": { read: 4, kept: 4, rejected: 0 },
    });
  });

  it("reports coverage per field", () => {
    expect(result.report.total).toBe(9);
    expect(result.report.coverage.documents).toEqual({ count: 9, share: 1 });
    // 1.011021 and 1.013577 state their time as a sentence, kept as written; 3.000422 has none.
    expect(result.report.coverage.time.count).toBe(8);
    expect(result.report.coverage.legalBasis.count).toBe(8); // 2.000769: "Không có thông tin"
    expect(result.report.coverage.steps.count).toBe(9);
  });

  it("names each failure by code, field and cause", () => {
    expect(result.failures).toEqual(
      expect.arrayContaining([
        {
          code: "dvc-ministry-tthc line 6",
          field: "record",
          reason: expect.stringMatching(/^not JSON/),
        },
        { code: "1.000014", field: "code", reason: expect.stringMatching(/^duplicate code/) },
        { code: "1.00X", field: "code", reason: expect.stringMatching(/^invalid, not written/) },
      ]),
    );
    expect(result.failures).toHaveLength(3);
    expect(result.report.failuresByField).toEqual({ record: 1, code: 2 });
    const ship = result.records.find((r) => r.code === "1.013577")?.methods[0]?.time;
    expect(ship).toMatchObject({
      amount: 0,
      unit: "",
      text: expect.stringContaining("tàu rời cảng"),
    });
  });

  it("maps both sources into the record schema", () => {
    const khaiSinh = result.records.find((r) => r.code === "1.001193");
    expect(khaiSinh?.url).toBe(
      "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7",
    );
    expect(khaiSinh?.levels).toEqual(["Cấp xã"]);
    expect(khaiSinh?.result).toBe("Giấy khai sinh");
    const bqp = result.records.find((r) => r.code === "1.013124");
    expect(bqp?.source).toBe("bqp-structured-tthc");
    expect(bqp?.url).toBe(
      "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html?ma_thu_tuc=1.013124",
    );
    expect(bqp?.decision).toBe("6225/QĐ-BQP");
    expect(bqp?.methods[0]).toEqual({
      channel: "in_person",
      time: { amount: 30, unit: "ngày", workingDays: true, text: "30 Ngày làm việc" },
      fee: { text: "Phí : 0 Đồng", free: true, amountVnd: 0 },
      description: "",
    });
    expect(bqp?.documents[1]).toMatchObject({
      form: "5-PHLCII.doc",
      quantity: "Bản chính: 1 - Bản sao: 0",
    });
    expect(bqp?.legalBasis).toEqual([
      {
        number: "12/2021/QĐ-TTg",
        title: expect.stringMatching(/^Quyết định số 12\/2021\/QĐ-TTg ngày 24\/3\/2021/),
      },
    ]);
    // "10-25" days: the upper bound, the range kept as written.
    expect(result.records.find((r) => r.code === "1.013629")?.methods[0]?.time).toMatchObject({
      amount: 25,
      text: "10-25",
    });
  });

  it("re-cuts the documents from the page text when the crawler cut them at a quoted label", () => {
    const bhxh = result.records.find((r) => r.code === "1.001521");
    expect(bhxh?.documents).toHaveLength(8);
    expect(bhxh?.steps).toHaveLength(3);
    expect(bhxh?.steps[2]).toMatch(/^Bước 3\. Nhận kết quả giải quyết/);
  });

  it("formats the report with shares, sources and failures by field", () => {
    const text = formatCoverageReport(result);
    expect(text).toContain("Catalogue: 9 procedures");
    expect(text).toMatch(/time\s+88\.9%\s+\(8\/9\)/);
    expect(text).toContain("dvc-ministry-tthc: read 8, kept 5, rejected 3");
    expect(text).toMatch(/code \(2\):\n {4}1\.000014: duplicate code/);
  });

  it("throws CatalogueSourceError when a source file is missing", () => {
    expect(() => importCatalogue({ rawDir: tmp })).toThrow(CatalogueSourceError);
  });
});

describe("store", () => {
  const { records } = importCatalogue({ rawDir: RAW_FIXTURE_DIR });

  it("writes sorted, deterministic gzipped lines that load back", () => {
    const a = join(tmp, "a.jsonl.gz");
    const b = join(tmp, "b.jsonl.gz");
    writeCatalogue(a, records);
    writeCatalogue(b, [...records].reverse());
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(loadCatalogue(a)).toEqual(records);
  });

  it("names the bad line when loading", () => {
    const file = join(tmp, "bad.jsonl.gz");
    const good = JSON.stringify(records[0]);
    const bad = JSON.stringify({ ...records[1], url: "not a url" });
    writeFileSync(file, gzipSync(`${good}\n${bad}\n`));
    let error: unknown;
    try {
      loadCatalogue(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CatalogueParseError);
    expect(error).toMatchObject({
      code: "catalogue_record_invalid",
      line: 2,
      record: records[1]?.code,
      field: "url",
    });
    writeFileSync(file, gzipSync(`${good}\n{oops\n`));
    expect(() => loadCatalogue(file)).toThrow(/line 2/);
  });
});

describe("runImport", () => {
  it("writes the file and prints the report", () => {
    const outFile = join(tmp, "out", "catalogue.jsonl.gz");
    const lines: string[] = [];
    const result = runImport({ rawDir: RAW_FIXTURE_DIR, outFile, out: (l) => lines.push(l) });
    expect(loadCatalogue(outFile)).toHaveLength(result.records.length);
    expect(lines[0]).toBe("Catalogue: 9 procedures");
    expect(lines.at(-1)).toBe(`Wrote 9 procedures to ${outFile}`);
  });

  it("reads --raw and --out", () => {
    expect(parseImportArgs(["--raw", "/r", "--out", "/o.gz"])).toEqual({
      rawDir: "/r",
      outFile: "/o.gz",
    });
    expect(parseImportArgs([])).toEqual({});
    expect(() => parseImportArgs(["--raw"])).toThrow(/needs a value/);
    expect(() => parseImportArgs(["--bogus"])).toThrow(/unknown option/);
  });
});
