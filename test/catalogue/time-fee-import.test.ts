import { describe, expect, it } from "vitest";
import { importCatalogue } from "../../src/catalogue/index.ts";
import { RAW_FIXTURE_DIR } from "./flattened.ts";

describe("times and fees as the fixture records hold them", () => {
  const result = importCatalogue({ rawDir: RAW_FIXTURE_DIR });
  const record = (code: string) => result.records.find((r) => r.code === code);

  it("reads sentence time cells as times, so they are no longer import failures", () => {
    expect(record("1.011021")?.methods[0]?.time).toEqual({
      amount: 0,
      unit: "",
      workingDays: false,
      text: "Không phải trả kết quả cho người nộp thuế",
    });
    expect(record("1.013577")?.methods[0]?.time).toEqual({
      amount: 0,
      unit: "",
      workingDays: false,
      text: "Chậm nhất là ngay trước khi tàu rời cảng",
    });
    expect(result.failures.filter((f) => f.field === "time")).toEqual([]);
    expect(result.report.coverage.time.count).toBe(8); // 3.000422 states no time
  });

  it("invents no unit for the bare '1' of 1.001193 (khai sinh)", () => {
    for (const m of record("1.001193")?.methods ?? []) {
      expect(m.time).toEqual({ amount: 1, unit: "", workingDays: false, text: "1" });
    }
  });
});
