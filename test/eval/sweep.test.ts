/**
 * The name sweep over the bundled catalogue (lexical retrieval, as on a machine without the
 * model): every name asked with each template must be answered about that procedure (or a
 * same-name record) for at least 99 % of the names.
 */
import { describe, expect, it } from "vitest";

import { createAssistant } from "../../src/assistant/index.ts";
import { loadCatalogue } from "../../src/catalogue/index.ts";
import { formatSweep, judgeSweep, runSweep, SWEEP_TEMPLATES } from "../../src/eval/sweep.ts";
import { buildTextTools, createLexicalRetriever } from "../../src/search/index.ts";
import { procedure } from "../assistant/fixtures.ts";

describe("judgeSweep", () => {
  const p = procedure({ code: "1.000001", name: "Cấp giấy phép xây dựng" });
  const t = SWEEP_TEMPLATES[1]!;
  const ref = (code: string) => ({ code, name: p.name, level: "Cấp xã", url: p.url, score: 1 });
  const base = { question: "q", intent: "procedure" as const, answer: "", choices: [] };
  const same = new Set(["1.000001", "1.000002"]);

  it("counts a sure answer about that procedure or a same-name one, on the asked aspect", () => {
    const sure = { ...base, aspect: "fee" as const, confidence: "sure" as const };
    expect(judgeSweep(p, t, { ...sure, procedures: [ref("1.000002")] }, same).outcome).toBe(
      "answered",
    );
    expect(judgeSweep(p, t, { ...sure, procedures: [ref("1.000009")] }, same).outcome).toBe(
      "other_procedure",
    );
    expect(
      judgeSweep(p, t, { ...sure, aspect: "time", procedures: [ref("1.000001")] }, same).outcome,
    ).toBe("wrong_aspect");
  });

  it("a question back counts only when it offers same-name records", () => {
    const asked = { ...base, aspect: "fee" as const, confidence: "ambiguous" as const };
    const within = [ref("1.000001"), ref("1.000002")];
    expect(judgeSweep(p, t, { ...asked, procedures: within, choices: within }, same).outcome).toBe(
      "answered",
    );
    const mixed = [ref("1.000001"), ref("1.000009")];
    expect(judgeSweep(p, t, { ...asked, procedures: mixed, choices: mixed }, same).outcome).toBe(
      "asked_back",
    );
  });
});

describe("name sweep over the catalogue", () => {
  it("answers at least 99 % of the names for every template", { timeout: 600_000 }, async () => {
    const catalogue = loadCatalogue();
    const retriever = createLexicalRetriever(catalogue, buildTextTools(catalogue));
    const assistant = createAssistant({ catalogue, retriever });
    const rows = await runSweep(catalogue, (q) => assistant.ask(q));
    console.log(formatSweep(rows));
    for (const row of rows) {
      expect(row.asked).toBe(catalogue.length);
      expect(row.answered / row.asked, row.template.suffix).toBeGreaterThanOrEqual(0.99);
    }
  });
});
