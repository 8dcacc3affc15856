import { describe, expect, it } from "vitest";
import { LlmOutputError } from "../../src/llm/errors.ts";
import { contentText, parseModelAnswer } from "../../src/llm/output.ts";

const good = {
  answer: "Lệ phí 8.000 đồng (mã 1.001193).",
  citedCodes: ["1.001193"],
  completeness: "complete",
};

function outputError(fn: () => unknown): LlmOutputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LlmOutputError) return err;
    throw err;
  }
  throw new Error("expected an LlmOutputError");
}

describe("parseModelAnswer", () => {
  it("reads plain JSON", () => {
    expect(parseModelAnswer(JSON.stringify(good))).toEqual(good);
  });

  it("reads fenced JSON with prose around it", () => {
    const text = `Đây là kết quả:\n\`\`\`json\n${JSON.stringify(good, null, 2)}\n\`\`\`\nCảm ơn.`;
    expect(parseModelAnswer(text)).toEqual(good);
  });

  it("accepts cited_codes", () => {
    const { citedCodes, ...rest } = good;
    expect(parseModelAnswer(JSON.stringify({ ...rest, cited_codes: citedCodes }))).toEqual(good);
  });

  it("names what is wrong", () => {
    expect(outputError(() => parseModelAnswer("Lệ phí là 8.000 đồng")).reason).toBe("not_json");
    expect(outputError(() => parseModelAnswer('{"answer": "x", ')).reason).toBe("not_json");
    expect(outputError(() => parseModelAnswer("")).reason).toBe("empty");
    expect(
      outputError(() => parseModelAnswer(JSON.stringify({ ...good, completeness: "maybe" })))
        .reason,
    ).toBe("bad_shape");
    expect(
      outputError(() => parseModelAnswer(JSON.stringify({ ...good, answer: " " }))).reason,
    ).toBe("empty");
  });

  it("allows an empty answer with no_information", () => {
    const r = parseModelAnswer(
      JSON.stringify({ answer: "", citedCodes: [], completeness: "no_information" }),
    );
    expect(r.completeness).toBe("no_information");
  });
});

describe("contentText", () => {
  it("joins text blocks", () => {
    expect(contentText([{ type: "text", text: "{" }, "}", { type: "image" }])).toBe("{}");
    expect(contentText(undefined)).toBe("");
  });
});
