import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import {
  ANSWER_MAX_CHARS,
  composeAmbiguous,
  composeProcedureAnswer,
  type ComposeContext,
} from "../../src/assistant/compose.ts";
import {
  DEFAULT_TEMPLATES_DIR,
  TEMPLATE_NAMES,
  loadTemplates,
  renderTemplate,
} from "../../src/assistant/templates.ts";
import { DataFileError } from "../../src/errors.ts";
import { ASPECTS, type Aspect } from "../../src/assistant/types.ts";
import { birth, days, marriageLevels, method, noInfo, passport, procedure } from "./fixtures.ts";

const ctx: ComposeContext = {
  templates: loadTemplates(),
  hotline: "1022",
  paknUrl: "https://dichvucong.gov.vn/p/home/dvc-gop-y.html",
  today: () => "2026-12-02",
};

const ALL_ASPECTS: readonly Aspect[] = ASPECTS;

describe("composeProcedureAnswer", () => {
  it.each(ALL_ASPECTS)("always names the procedure, its code and URL (%s)", (aspect) => {
    for (const p of [birth, noInfo, passport]) {
      const answer = composeProcedureAnswer(p, aspect, ctx);
      expect(answer).toContain(p.name);
      expect(answer).toContain(p.code);
      expect(answer).toContain(p.url);
      expect(answer.length).toBeLessThanOrEqual(ANSWER_MAX_CHARS);
    }
  });

  it("truncates a long documents list and says how many are left", () => {
    const answer = composeProcedureAnswer(birth, "documents", ctx);
    expect(answer).toContain("Hồ sơ gồm 12 giấy tờ");
    expect(answer).toContain("Giấy tờ số 1 cho việc");
    expect(answer).not.toContain("Giấy tờ số 12 cho việc");
    const more = /… và (\d+) giấy tờ khác/.exec(answer);
    expect(more).not.toBeNull();
    const shown = answer.split("\n").filter((l) => l.startsWith("- Giấy tờ số")).length;
    expect(shown + Number(more?.[1])).toBe(12);
  });

  it("keeps a documents answer short even with very long names", () => {
    const long = procedure({
      code: "1.000001",
      name: "Thủ tục có giấy tờ dài",
      documents: Array.from({ length: 40 }, (_, i) => ({
        name: `Văn bản ${i} ${"rất dài ".repeat(40)}`,
      })),
    });
    const answer = composeProcedureAnswer(long, "documents", ctx);
    expect(answer.length).toBeLessThanOrEqual(ANSWER_MAX_CHARS);
    expect(answer).toMatch(/… và \d+ giấy tờ khác/);
  });

  it("shows fees per channel and never turns Miễn phí into an amount", () => {
    const answer = composeProcedureAnswer(birth, "fee", ctx);
    expect(answer).toContain("Trực tuyến: Miễn phí; Trực tiếp: 50.000 đồng");
    expect(answer).not.toMatch(/\b0 đồng/);
  });

  it("shows a single fee when every channel has the same", () => {
    const answer = composeProcedureAnswer(passport, "fee", ctx);
    expect(answer).toContain("Phí, lệ phí: 200.000 đồng/hộ chiếu");
    expect(answer).not.toContain("Trực tuyến:");
    const free = composeProcedureAnswer(marriageLevels[0]!, "fee", ctx);
    expect(free).toContain("Phí, lệ phí: Miễn phí");
    expect(free).not.toMatch(/\d+(\.\d{3})* đồng/);
  });

  it("shows times in working days", () => {
    expect(composeProcedureAnswer(passport, "time", ctx)).toContain(
      "Thời hạn giải quyết: 8 ngày làm việc",
    );
    const calendar = procedure({
      code: "1.000002",
      name: "Thủ tục ngày thường",
      methods: [method("in_person", days(15, false), null)],
    });
    const answer = composeProcedureAnswer(calendar, "time", ctx);
    expect(answer).toContain("15 ngày");
    expect(answer).not.toContain("làm việc");
  });

  it("says the catalogue has no information instead of inventing a time or fee", () => {
    for (const aspect of ["time", "fee", "steps", "legal", "conditions", "result"] as const) {
      const answer = composeProcedureAnswer(noInfo, aspect, ctx);
      expect(answer).toContain("không có thông tin");
      expect(answer).toContain("1022");
      const body = answer.replace(noInfo.url, "").replace(noInfo.code, "").replace("1022", "");
      expect(body).not.toMatch(/\d/);
    }
  });

  it("where: without a named office, tells the level and the ways to submit", () => {
    const p = procedure({
      code: "1.001193",
      name: "Thủ tục đăng ký khai sinh",
      agencies: [],
      address: "",
      levels: ["Cấp xã"],
      methods: [
        method("online", days(1), { text: "Miễn phí", free: true }),
        method("in_person", days(1), { text: "Miễn phí", free: true }),
      ],
    });
    const answer = composeProcedureAnswer(p, "where", ctx);
    expect(answer).toContain("Thực hiện tại: Cấp xã");
    expect(answer).toMatch(/Hình thức nộp hồ sơ: Trực tuyến, Trực tiếp/);
    expect(answer).not.toContain("Cơ quan thực hiện:");
    const named = composeProcedureAnswer({ ...p, agencies: ["UBND cấp xã"] }, "where", ctx);
    expect(named).toContain("Cơ quan thực hiện: UBND cấp xã");
    expect(named).not.toContain("Thực hiện tại:");
    expect(composeProcedureAnswer({ ...p, methods: [] }, "where", ctx)).toContain(
      "không có thông tin",
    );
  });

  it("overview: time, fee, where, channels and the documents count", () => {
    const answer = composeProcedureAnswer(birth, "overview", ctx);
    expect(answer).toContain("Trực tuyến: 1 ngày làm việc; Trực tiếp: 3 ngày làm việc");
    expect(answer).toContain("Trực tuyến: Miễn phí; Trực tiếp: 50.000 đồng");
    expect(answer).toContain("Ủy ban nhân dân cấp xã");
    expect(answer).toContain("Hồ sơ: 12 giấy tờ");
    const missing = composeProcedureAnswer(noInfo, "overview", ctx);
    expect(missing).toMatch(/Thời hạn giải quyết: không có thông tin/);
    expect(missing).toMatch(/Phí, lệ phí: không có thông tin/);
  });

  it("numbers steps without repeating the portal's 'Bước 1:'", () => {
    const answer = composeProcedureAnswer(birth, "steps", ctx);
    expect(answer).toContain("1. Người có yêu cầu nộp hồ sơ");
    expect(answer).not.toContain("Bước 1");
  });

  it("clips a very long conditions text and points to the link", () => {
    const p = procedure({
      code: "1.000003",
      name: "Thủ tục dài",
      conditions: "Điều kiện ".repeat(500),
    });
    const answer = composeProcedureAnswer(p, "conditions", ctx);
    expect(answer.length).toBeLessThanOrEqual(ANSWER_MAX_CHARS);
    expect(answer).toContain("xem đầy đủ");
  });
});

describe("composeAmbiguous", () => {
  it("offers levels when the choices share a name", () => {
    const refs = marriageLevels.map((p) => ({
      code: p.code,
      name: p.name,
      level: p.levels[0]!,
      url: p.url,
      score: 1,
    }));
    const text = composeAmbiguous(refs, ctx);
    expect(text).toContain('"Đăng ký kết hôn" được thực hiện ở nhiều cấp');
    expect(text).toContain("1. Cấp xã (mã 1.000090)");
    expect(text).toContain("3. Cấp bộ (mã 1.000092)");
  });
});

describe("templates", () => {
  it("every required template exists in prompts/answers", () => {
    const files = readdirSync(DEFAULT_TEMPLATES_DIR);
    for (const name of TEMPLATE_NAMES) expect(files).toContain(`${name}.txt`);
  });

  it("reports missing templates and unknown placeholders", () => {
    const dir = mkdtempSync(join(tmpdir(), "answers-"));
    try {
      for (const name of TEMPLATE_NAMES) {
        writeFileSync(
          join(dir, `${name}.txt`),
          readFileSync(join(DEFAULT_TEMPLATES_DIR, `${name}.txt`), "utf8"),
        );
      }
      expect(() => loadTemplates(dir)).not.toThrow();
      rmSync(join(dir, "fee.txt"));
      writeFileSync(join(dir, "header.txt"), "{nmae} {code}");
      let error: unknown;
      try {
        loadTemplates(dir);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(DataFileError);
      expect(error).toMatchObject({ code: "data_file_invalid", file: dir });
      const problems = (error as DataFileError).problems.join("\n");
      expect(problems).toContain("fee: missing");
      expect(problems).toContain("header: unknown placeholder {nmae}");
      expect(problems).toContain("header: must use {name}");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("renders placeholders and drops optional lines with empty values", () => {
    const t = "A {x}\n?B {y}\n?C {x}";
    expect(renderTemplate(t, { x: "1", y: "" })).toBe("A 1\nC 1");
    expect(renderTemplate("{x}", { x: "$& {y}" })).toBe("$& {y}");
  });
});
