import { describe, expect, it } from "vitest";

import { createAssistant } from "../../src/assistant/assistant.ts";
import { pickChoices } from "../../src/assistant/choices.ts";
import type { ProcedureRef } from "../../src/assistant/types.ts";
import type { Retriever } from "../../src/search/types.ts";
import { buildTextTools, createLexicalRetriever } from "../../src/search/index.ts";
import { birth, catalogue, fakeRetriever, marriageLevels, noInfo, passport } from "./fixtures.ts";

function setup() {
  const retriever = fakeRetriever([
    {
      when: /khai sinh/i,
      hits: [
        { code: "1.001193", score: 10 },
        { code: "9.999999", score: 9 }, // stale index entry: not in the catalogue
        { code: "2.000986", score: 3 },
      ],
      confidence: "sure",
    },
    {
      when: /kết hôn/i,
      hits: marriageLevels.map((p, i) => ({ code: p.code, score: 5 - i * 0.1 })),
      confidence: "ambiguous",
    },
    {
      when: /giấy tờ tùy thân/i,
      hits: [
        { code: passport.code, score: 5 },
        { code: marriageLevels[0]!.code, score: 4.9 },
        { code: marriageLevels[1]!.code, score: 4.8 },
        { code: birth.code, score: 4.5 },
        { code: noInfo.code, score: 0.5 },
      ],
      confidence: "ambiguous",
    },
    {
      when: /thời tiết|xổ số/i,
      hits: [{ code: passport.code, score: 0.2 }],
      confidence: "ambiguous",
    },
  ]);
  const errors: unknown[] = [];
  const assistant = createAssistant({ catalogue, retriever, onError: (e) => errors.push(e) });
  return { assistant, retriever, errors };
}

describe("createAssistant().ask", async () => {
  it("answers the asked aspect of a sure procedure", async () => {
    const { assistant, retriever } = setup();
    const r = await assistant.ask("đăng ký khai sinh lệ phí bao nhiêu");
    expect(r).toMatchObject({
      intent: "procedure",
      aspect: "fee",
      confidence: "sure",
      choices: [],
    });
    expect(r.answer).toContain("Trực tuyến: Miễn phí; Trực tiếp: 50.000 đồng");
    expect(r.answer).toContain(birth.url);
    expect(r.procedures.map((p) => p.code)).toEqual(["1.001193", "2.000986"]);
    expect(r.procedures[0]).toEqual({
      code: "1.001193",
      name: "Đăng ký khai sinh",
      level: "Cấp xã",
      agency: "Ủy ban nhân dân cấp xã",
      url: birth.url,
      score: 10,
    });
    expect(retriever.queries).toEqual(["đăng ký khai sinh lệ phí bao nhiêu"]);
  });

  it("offers the levels of one procedure when ambiguous", async () => {
    const { assistant } = setup();
    const r = await assistant.ask("đăng ký kết hôn ở đâu");
    expect(r).toMatchObject({ intent: "procedure", aspect: "where", confidence: "ambiguous" });
    expect(r.choices.map((c) => c.code)).toEqual(["1.000090", "1.000091", "1.000092"]);
    expect(r.procedures).toHaveLength(3);
    expect(r.answer).toContain("Cấp xã (mã 1.000090)");
  });

  it("prefers distinct names in the choices and drops far-off hits", async () => {
    const { assistant } = setup();
    const r = await assistant.ask("giấy tờ tùy thân");
    expect(r.confidence).toBe("ambiguous");
    // passport, marriage (one level first), birth, then the other marriage level
    expect(r.choices.map((c) => c.code)).toEqual([
      passport.code,
      marriageLevels[0]!.code,
      marriageLevels[1]!.code,
      birth.code,
    ]);
    expect(r.choices.map((c) => c.code)).not.toContain(noInfo.code);
    expect(r.procedures.map((p) => p.code)).toContain(noInfo.code);
    expect(r.answer).toContain("Bạn hỏi về thủ tục nào?");
  });

  it("not found → out of scope with the hotline and the feedback path", async () => {
    const { assistant } = setup();
    const r = await assistant.ask("cấp phép bay drone trên sao Hỏa");
    expect(r).toMatchObject({
      intent: "out_of_scope",
      confidence: "not_found",
      procedures: [],
      choices: [],
    });
    expect(r.answer).toContain("1022");
    expect(r.answer).toContain("https://dichvucong.gov.vn/p/home/dvc-gop-y.html");
    expect(r.answer).toContain("chưa tìm thấy thủ tục");
  });

  it("an out-of-scope signal with unsure retrieval is out of scope", async () => {
    const { assistant } = setup();
    const r = await assistant.ask("thời tiết ngày mai có mưa không");
    expect(r.intent).toBe("out_of_scope");
    // Weak hits stay listed for ranking (batch, eval) but are neither offered nor answered.
    expect(r.choices).toEqual([]);
    for (const p of r.procedures) expect(r.answer).not.toContain(p.name);
    expect(r.answer).toContain("trợ lý hỏi đáp về thủ tục hành chính");
  });

  it("an off-topic subject wins over a sure hit unless a procedure word is present", async () => {
    const retriever: Retriever = {
      search: () => ({ hits: [{ code: birth.code, score: 3 }], confidence: "sure" }),
    };
    const assistant = createAssistant({ catalogue, retriever });
    const joke = await assistant.ask("kể chuyện cười đi");
    expect(joke.intent).toBe("out_of_scope");
    expect(joke.answer).not.toContain(birth.code);
    // A procedure named in the message (khai sinh) keeps it a procedure question.
    expect((await assistant.ask("kể chuyện cười về khai sinh")).intent).toBe("procedure");
    const football = await assistant.ask("kết quả bóng đá tối qua");
    expect(football.intent).toBe("out_of_scope");
    const permit = await assistant.ask("thủ tục xin giấy phép tổ chức giải bóng đá");
    expect(permit.intent).toBe("procedure");
    expect(permit.answer).toContain(birth.code);
  });

  it("a follow-up with previousCode answers that procedure for the aspect asked", async () => {
    const { assistant } = setup();
    const r = await assistant.ask("thế phí bao nhiêu?", { previousCode: birth.code });
    expect(r).toMatchObject({ intent: "procedure", aspect: "fee", confidence: "sure" });
    expect(r.procedures.map((p) => p.code)).toEqual([birth.code]);
    expect(r.answer).toContain(birth.code);
    // An unknown previous code is ignored; a greeting stays a greeting.
    expect((await assistant.ask("chào bạn", { previousCode: birth.code })).intent).toBe("greeting");
    const unknown = await assistant.ask("thế phí bao nhiêu?", { previousCode: "9.999999" });
    expect(unknown.procedures.map((p) => p.code)).not.toEqual(["9.999999"]);
  });

  it("greeting, thanks, handoff and feedback skip retrieval and list no codes", async () => {
    const { assistant, retriever } = setup();
    const greeting = await assistant.ask("chào bạn");
    expect(greeting).toMatchObject({ intent: "greeting", procedures: [], choices: [] });
    expect(greeting.answer).toContain("trợ lý");
    expect((await assistant.ask("cam on nhe")).answer).toContain("Rất vui");
    const handoff = await assistant.ask("gap tong dai vien");
    expect(handoff.intent).toBe("handoff");
    expect(handoff.answer).toContain("1022");
    expect(handoff.answer).not.toMatch(/mã (yêu cầu|phiếu)|ticket/i);
    const feedback = await assistant.ask(
      "tôi muốn góp ý: thủ tục đăng ký tạm trú online còn rườm rà",
    );
    expect(feedback.intent).toBe("feedback");
    expect(feedback.answer).toContain("https://dichvucong.gov.vn/p/home/dvc-gop-y.html");
    expect(feedback.answer).toContain("1022");
    expect(retriever.queries).toEqual([]);
  });

  it("a question about the complaint procedure goes to retrieval", async () => {
    const { assistant, retriever } = setup();
    const r = await assistant.ask("khiếu nại công an phường xử phạt sai");
    expect(r.intent).not.toBe("feedback");
    expect(retriever.queries).toHaveLength(1);
  });

  it("a procedure code in the question is answered directly", async () => {
    const { assistant, retriever } = setup();
    const r = await assistant.ask("mã 1.001193 mất bao lâu?");
    expect(r).toMatchObject({ intent: "procedure", aspect: "time", confidence: "sure" });
    expect(r.answer).toContain("3 ngày làm việc");
    expect(retriever.queries).toEqual([]);
  });

  it("an ambiguous result with a single usable hit is answered with a caveat", async () => {
    const retriever: Retriever = {
      search: () => ({ hits: [{ code: passport.code, score: 2 }], confidence: "ambiguous" }),
    };
    const r = await createAssistant({ catalogue, retriever }).ask("làm hộ chiếu");
    expect(r.choices).toEqual([]);
    expect(r.answer).toContain(passport.code);
    expect(r.answer).toContain("chưa chắc");
  });

  it("asks for a question when the message is empty or emoji only", async () => {
    const { assistant, retriever } = setup();
    for (const q of ["", "   \n\t ", "😀🙏", "???", "\u200B\u200B"]) {
      const r = await assistant.ask(q);
      expect(r.intent).toBe("out_of_scope");
      expect(r.answer).toContain("Bạn hãy nhập câu hỏi");
    }
    expect(retriever.queries).toEqual([]);
  });

  it("truncates a long question for retrieval and says so", async () => {
    const { assistant, retriever } = setup();
    const long = `đăng ký khai sinh ${"rất ".repeat(1000)}`;
    const r = await assistant.ask(long);
    expect(retriever.queries[0]!.length).toBeLessThanOrEqual(2000);
    expect(r.question.length).toBeLessThanOrEqual(2000);
    expect(r.answer).toContain("dài hơn 2.000 ký tự");
    expect(r.answer).toContain(birth.code);
    expect((await assistant.ask("đăng ký khai sinh")).answer).not.toContain("dài hơn");
  });

  it("never throws on hostile input", async () => {
    const { assistant } = setup();
    const hostile = [
      '" * NEAR( OR -',
      'khai sinh" OR 1=1; DROP TABLE procedures; --',
      "\u0000\u0001\u0007khai\u001Bsinh\u007F",
      "\uD800 lone surrogate \uDFFF",
      "Регистрация рождения 出生登记 khai sinh",
      "x".repeat(100_000),
      "🙂".repeat(5000),
      "{name} {code} $& $1",
      "\u202Egnik\u202C",
    ];
    for (const q of hostile) {
      await expect(assistant.ask(q)).resolves.toBeDefined();
      expect((await assistant.ask(q)).answer.length).toBeGreaterThan(0);
    }
    // not even when the caller passes something that is not a string
    await expect(assistant.ask(undefined as unknown as string)).resolves.toBeDefined();
    await expect(assistant.ask({} as unknown as string)).resolves.toBeDefined();
  });

  it("a failing retriever becomes an apology, and the error is reported", async () => {
    const retriever: Retriever = {
      search: () => {
        throw new Error("fts5: syntax error near NEAR");
      },
    };
    const errors: unknown[] = [];
    const r = await createAssistant({ catalogue, retriever, onError: (e) => errors.push(e) }).ask(
      "làm hộ chiếu",
    );
    expect(r.answer).toContain("Xin lỗi");
    expect(r.answer).not.toContain("fts5");
    expect(errors).toHaveLength(1);
  });
});

describe("createAssistant().answerFor", async () => {
  it("answers the picked procedure", async () => {
    const { assistant } = setup();
    const r = assistant.answerFor(" 1.000091 ", "fee");
    expect(r).toMatchObject({ intent: "procedure", aspect: "fee", confidence: "sure" });
    expect(r.answer).toContain("Cấp tỉnh");
    expect(r.answer).toContain("Miễn phí");
    expect(r.procedures.map((p) => p.code)).toEqual(["1.000091"]);
  });

  it("an unknown code is not found, not an exception", async () => {
    const { assistant } = setup();
    const r = assistant.answerFor("9.999999", "fee");
    expect(r).toMatchObject({ intent: "out_of_scope", confidence: "not_found", procedures: [] });
    expect(r.answer).toContain("1022");
  });

  it("uses injected templates and hotline", async () => {
    const { retriever } = setup();
    const base = createAssistant({ catalogue, retriever });
    const custom = createAssistant({ catalogue, retriever, hotline: "0243.1022" });
    expect((await custom.ask("gặp tổng đài viên")).answer).toContain("0243.1022");
    expect((await base.ask("gặp tổng đài viên")).answer).not.toContain("0243.1022");
  });
});

describe("pickChoices", async () => {
  const ref = (code: string, name: string, level: string, score: number): ProcedureRef => ({
    code,
    name,
    level,
    url: `https://example.gov.vn/${code}`,
    score,
  });

  it("keeps at most four and at least the two best", async () => {
    const refs = [
      ref("1.000001", "A", "Cấp xã", 10),
      ref("1.000002", "B", "Cấp xã", 1),
      ref("1.000003", "C", "Cấp xã", 0.5),
    ];
    expect(pickChoices(refs).map((r) => r.code)).toEqual(["1.000001", "1.000002"]);
    const many = Array.from({ length: 8 }, (_, i) =>
      ref(`1.00000${i}`, `N${i}`, "Cấp xã", 10 - i * 0.1),
    );
    expect(pickChoices(many)).toHaveLength(4);
  });

  it("groups levels of the same name (accent- and case-insensitive)", async () => {
    const refs = [
      ref("1.000001", "Đăng ký hộ kinh doanh", "Cấp xã", 10),
      ref("1.000002", "Cấp giấy phép", "Cấp tỉnh", 9),
      ref("1.000003", "đăng ký hộ kinh doanh", "Cấp tỉnh", 8),
    ];
    expect(pickChoices(refs).map((r) => r.code)).toEqual(["1.000001", "1.000003", "1.000002"]);
  });
});

describe("words typed without their spaces", () => {
  const tools = buildTextTools(catalogue);
  const retriever = createLexicalRetriever(catalogue, tools);
  const respaced = createAssistant({ catalogue, retriever, respace: tools.restorer.respace });
  const asTyped = createAssistant({ catalogue, retriever });
  it("are split before intent, aspect and retrieval read the question", async () => {
    const r = await respaced.ask("dangkykhaisinh o dau");
    expect(r.intent).toBe("procedure");
    expect(r.aspect).toBe("where");
    expect(r.procedures[0]?.code).toBe(birth.code);
    expect(r.question).toBe("dangkykhaisinh o dau");
    const plain = await asTyped.ask("dangkykhaisinh o dau");
    expect(plain.procedures[0]?.code).not.toBe(birth.code);
  });
});
