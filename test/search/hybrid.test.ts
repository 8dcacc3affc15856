import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { procedureSchema, type Procedure } from "../../src/catalogue/types.ts";
import { createLogger } from "../../src/logger.ts";
import { loadQuestionWords } from "../../src/search/query.ts";
import { createEmbeddingsClient, type EmbeddingsClient } from "../../src/search/embeddings.ts";
import {
  createHybridRetriever,
  DENSE_WORDS,
  passageTexts,
  type HybridLogger,
  type HybridRetrieverOptions,
} from "../../src/search/hybrid.ts";
import {
  DENSE_AGREEMENT_RANK,
  FUSED_MARGIN,
  neededLead,
  DENSE_ONLY_COSINE,
  judgeHybrid,
  type Evidence,
} from "../../src/search/hybrid-confidence.ts";
import { createLexicalRetriever } from "../../src/search/lexical.ts";
import { MARGIN_WORDS } from "../../src/search/confidence.ts";
import type { Retriever } from "../../src/search/types.ts";
import { createSynonymExpander } from "../../src/text/synonyms.ts";
import { createAcronymExpander } from "../../src/text/acronyms.ts";
import { normalizeText } from "../../src/text/normalize.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../helpers/fake-openai.ts";

const API_KEY = "sk-hybrid-test-key-0123456789";

function proc(code: string, name: string, field: string, result: string): Procedure {
  return procedureSchema.parse({
    code,
    name,
    field,
    levels: ["Cấp tỉnh"],
    decision: "",
    agencies: ["Sở Văn hóa, Thể thao và Du lịch"],
    address: "",
    audience: ["Công dân Việt Nam"],
    steps: [],
    methods: [],
    documents: [],
    documentNotes: [],
    legalBasis: [],
    conditions: "",
    result,
    url: `https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=${code}`,
    source: "dvc-ministry-tthc",
  });
}

/** The business licence wins lexically on its name; only the karaoke licence's result says karaoke. */
const CATALOGUE: Procedure[] = [
  proc(
    "1.000001",
    "Cấp giấy phép kinh doanh",
    "Thành lập và hoạt động doanh nghiệp",
    "Giấy chứng nhận đăng ký doanh nghiệp được cấp cho công ty trách nhiệm hữu hạn một thành viên, " +
      "hai thành viên trở lên, công ty cổ phần, công ty hợp danh, doanh nghiệp tư nhân theo quy " +
      "định của Luật Doanh nghiệp về thành lập, tổ chức lại, giải thể",
  ),
  proc(
    "1.000002",
    "Cấp phép dịch vụ vũ trường",
    "Văn hóa",
    "Giấy phép kinh doanh dịch vụ karaoke, vũ trường",
  ),
  proc(
    "1.000003",
    "Cấp giấy phép tổ chức biểu diễn",
    "Nghệ thuật biểu diễn",
    "Giấy phép tổ chức biểu diễn nghệ thuật",
  ),
  proc("1.000004", "Cấp giấy phép xây dựng", "Xây dựng", "Giấy phép xây dựng"),
  proc("1.000005", "Đăng ký khai sinh", "Hộ tịch", "Giấy khai sinh"),
];
const KARAOKE = "giấy phép kinh doanh karaoke";

function recordingLogger() {
  const lines: { level: "info" | "warn"; msg: string; obj: object }[] = [];
  const logger: HybridLogger = {
    info: (obj, msg) => lines.push({ level: "info", msg, obj }),
    warn: (obj, msg) => lines.push({ level: "warn", msg, obj }),
  };
  return { logger, warnings: () => lines.filter((l) => l.level === "warn"), lines };
}

let server: FakeOpenAI;
let dir: string;
beforeEach(async () => {
  server = await startFakeOpenAI();
  dir = await mkdtemp(path.join(tmpdir(), "motcua-hybrid-"));
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function setup(over: Partial<HybridRetrieverOptions> = {}) {
  const catalogue = over.catalogue ?? CATALOGUE;
  const lexical = over.lexical ?? createLexicalRetriever(catalogue, {});
  const embeddings = createEmbeddingsClient({
    baseUrl: server.baseUrl,
    apiKey: API_KEY,
    model: "fake-64",
    timeoutMs: 2000,
    batchSize: 2,
  });
  const log = recordingLogger();
  const hybrid = createHybridRetriever({
    catalogue,
    lexical,
    embeddings,
    logger: log.logger,
    // The fake vectors are bags of words: a strong weight lets the karaoke result win here.
    weight: 40,
    ...over,
  });
  /** The text the model was sent for question `q`. */
  const sent = async (q: string) => {
    await hybrid.search(q, 5);
    return server.requests.at(-1)?.body.input?.join(" ") ?? "";
  };
  return { hybrid, lexical, log, sent };
}

describe("createHybridRetriever", () => {
  it("a repeated question is not sent again; the least recently used vector is dropped", async () => {
    const { hybrid } = setup({ queryCacheSize: 2 });
    await hybrid.ready();
    const first = await hybrid.search(KARAOKE, 5);
    const asked = server.requests.length;
    expect(await hybrid.search(KARAOKE, 5)).toEqual(first);
    expect(server.requests.length).toBe(asked);
    await hybrid.search("khai sinh", 5);
    await hybrid.search(KARAOKE, 5); // used again: now the most recent
    await hybrid.search("giấy phép xây dựng", 5); // drops "khai sinh"
    expect(server.requests.length).toBe(asked + 2);
    await hybrid.search(KARAOKE, 5);
    expect(server.requests.length).toBe(asked + 2);
    await hybrid.search("khai sinh", 5);
    expect(server.requests.length).toBe(asked + 3);
  });

  it("a pino logger fits", () => {
    const logger: HybridLogger = createLogger({ level: "silent" });
    expect(logger).toBeDefined();
  });

  it("embeds the catalogue in batches: each name, and name + field + start of the result", async () => {
    const { hybrid, log } = setup();
    await hybrid.ready();
    expect(server.requests.map((r) => r.body.input?.length)).toEqual([2, 2, 2, 2, 2]);
    expect(server.inputs()).toEqual(CATALOGUE.flatMap(passageTexts));
    expect(passageTexts(CATALOGUE[1]!)).toEqual([
      "Cấp phép dịch vụ vũ trường",
      "Cấp phép dịch vụ vũ trường\nVăn hóa\nGiấy phép kinh doanh dịch vụ karaoke, vũ trường",
    ]);
    const progress = log.lines.find((l) => l.msg.startsWith("embedding the catalogue"));
    expect(progress?.obj).toMatchObject({ done: 10, total: 10 });
    expect(progress?.obj).toHaveProperty("perSecond");
    expect(progress?.obj).toHaveProperty("etaSeconds");
  });

  it("reorders with the dense signal; the changed first hit is asked back", async () => {
    // A model that knows karaoke is a kind of vũ trường: those texts point one way, all else another.
    const embeddings: EmbeddingsClient = {
      model: "stub",
      signature: "stub",
      embed: async (texts) =>
        texts.map((t) =>
          /karaoke|vũ trường/.test(t) ? Float32Array.of(1, 0) : Float32Array.of(0, 1),
        ),
    };
    const lexical = createLexicalRetriever(CATALOGUE, {});
    const hybrid = createHybridRetriever({ catalogue: CATALOGUE, lexical, embeddings });
    await hybrid.ready();
    const lex = lexical.search(KARAOKE, 5);
    expect(lex.hits[0]?.code).toBe("1.000001");
    const result = await hybrid.search(KARAOKE, 5);
    expect(result.hits.map((h) => h.code).slice(0, 2)).toEqual(["1.000002", "1.000001"]);
    expect(result.confidence).toBe("ambiguous");
    expect(result.hits).toHaveLength(5);
    const agreed = await hybrid.search("giấy phép xây dựng nhà", 5);
    expect(agreed.hits[0]?.code).toBe("1.000004");
  });

  it("the model does not choose between an act and its variants: the variant rules do", async () => {
    const catalogue = [
      proc("2.000001", "Đăng ký khai tử", "Hộ tịch", "Trích lục khai tử"),
      proc("2.000002", "Đăng ký lại khai tử", "Hộ tịch", "Trích lục khai tử"),
      proc("2.000003", "Đăng ký khai sinh", "Hộ tịch", "Giấy khai sinh"),
    ];
    // A model that finds the re-registration closest to every question.
    const embeddings: EmbeddingsClient = {
      model: "stub",
      signature: "stub",
      embed: async (texts, options) =>
        texts.map((t) =>
          options?.kind === "query" || / lại /.test(t)
            ? Float32Array.of(1, 0)
            : Float32Array.of(0.6, 0.8),
        ),
    };
    const lexical = createLexicalRetriever(catalogue, {});
    // A strong dense weight: without the family rule the variant would come first.
    const hybrid = createHybridRetriever({ catalogue, lexical, embeddings, weight: 40 });
    await hybrid.ready();
    const plain = await hybrid.search("đăng ký khai tử cho ông nội", 3);
    expect(plain.hits[0]?.code).toBe("2.000001");
    const again = await hybrid.search("đăng ký lại khai tử cho ông nội", 3);
    expect(again.hits[0]?.code).toBe("2.000002");
  });

  it("an ambiguous lexical result never becomes sure", async () => {
    const stub: Retriever = {
      search: () => ({
        hits: [
          { code: "1.000003", score: 2 },
          { code: "1.000002", score: 1 },
        ],
        confidence: "ambiguous",
      }),
    };
    const unsure = setup({ lexical: stub }).hybrid;
    await unsure.ready();
    expect((await unsure.search("khai sinh", 3)).confidence).toBe("ambiguous");
    expect((await unsure.search("tổ chức biểu diễn nghệ thuật", 3)).confidence).toBe("ambiguous");
  });

  it("masks personal data in the question sent to the API", async () => {
    const { hybrid } = setup();
    await hybrid.ready();
    await hybrid.search("karaoke, gọi tôi 0912345678, CCCD 001203004567, a.b@example.vn", 5);
    const sent = server.requests.at(-1)?.body.input?.join(" ") ?? "";
    expect(sent).toContain("karaoke");
    expect(sent).not.toMatch(/0912345678|001203004567|a\.b@example/);
    expect(sent).toContain("[phone]");
  });

  it("synonyms are read as the lexical side reads them: not inside the question words, and a one-syllable one without accents not at all", async () => {
    const synonyms = createSynonymExpander([
      { say: ["mất"], means: "cấp lại" },
      { say: ["chó"], means: "động vật kiểm dịch" },
      { say: ["sổ đỏ"], means: "giấy chứng nhận quyền sử dụng đất" },
    ]);
    const { hybrid, sent } = setup({ tools: { questionWords: loadQuestionWords(), synonyms } });
    await hybrid.ready();
    expect(await sent("giấy phép karaoke mất bao lâu")).toBe("giấy phép karaoke");
    expect(await sent("mất giấy phép karaoke")).toBe("mất giấy phép karaoke (cấp lại)");
    // "cho" may be "cho" (for) as well as "chó"; "so do" can only be "sổ đỏ" here.
    expect(await sent("karaoke cho con")).toBe("karaoke cho con");
    expect(await sent("karaoke chó")).toBe("karaoke chó (động vật kiểm dịch)");
    expect(await sent("karaoke so do")).toBe("karaoke so do (giấy chứng nhận quyền sử dụng đất)");
  });

  it("the model reads a question told in several sentences from its ask", async () => {
    const { hybrid, sent } = setup({});
    await hybrid.ready();
    const story = Array.from({ length: 30 }, (_, i) => `chuyện${i}`).join(" ");
    const words = (await sent(`Tôi mở quán ${story}. Vậy xin giấy phép karaoke ở đâu?`)).split(" ");
    expect(words.slice(0, 6)).toEqual(["vậy", "xin", "giấy", "phép", "karaoke", "ở"]);
    expect(words).toHaveLength(DENSE_WORDS);
  });

  it("an acronym typed in capitals is spelled out for the model as the names spell it", async () => {
    const acronyms = createAcronymExpander(CATALOGUE.map((p) => normalizeText(p.name)));
    const { hybrid, sent } = setup({ tools: { acronyms } });
    await hybrid.ready();
    expect(await sent("xin GPKD karaoke")).toBe("xin giấy phép kinh doanh karaoke");
    // In small letters it may be a word typed without its accents: the lexical side weighs it.
    expect(await sent("xin gpkd karaoke")).toBe("xin gpkd karaoke");
    // Spelled by no name: left as typed.
    expect(await sent("xin QXZ karaoke")).toBe("xin qxz karaoke");
  });

  it(`the model reads the first ${DENSE_WORDS} syllables of a long question, question words left out`, async () => {
    const { hybrid } = setup({ tools: { questionWords: loadQuestionWords() } });
    await hybrid.ready();
    const tail = Array.from({ length: 40 }, (_, i) => `từ${i}`).join(" ");
    await hybrid.search(`cần gì để xin giấy phép kinh doanh karaoke ${tail}`, 5);
    const sent = server.requests.at(-1)?.body.input ?? [];
    expect(sent).toHaveLength(1);
    const words = sent[0]!.split(" ");
    expect(words).toHaveLength(DENSE_WORDS);
    expect(words.slice(0, 7)).toEqual(["để", "xin", "giấy", "phép", "kinh", "doanh", "karaoke"]);
    expect(words.at(-1)).toBe(`từ${DENSE_WORDS - 8}`);
  });

  it("reuses the stored vectors on a second ready() and re-embeds only a changed text", async () => {
    const cacheFile = path.join(dir, "sub", "vectors.bin");
    await setup({ cacheFile }).hybrid.ready();
    const first = server.requests.length;
    expect(first).toBe(5);
    const bytes = await readFile(cacheFile);
    expect(bytes.subarray(0, 8).toString("latin1")).toBe("MCVEC01\n");
    // Binary: header, 10 keys of 16 bytes, 10 vectors of 64 float32.
    expect(bytes.length).toBe(48 + 10 * (16 + 64 * 4));

    const again = setup({ cacheFile }).hybrid;
    await again.ready();
    await again.ready();
    // The catalogue came from the file: one short warm-up call (the model's first inference is
    // slow), made once, before ready() resolves, so no citizen's question pays for it.
    expect(server.requests.length).toBe(first + 1);
    expect(server.requests.at(-1)?.body.input).toHaveLength(1);
    expect((await again.search(KARAOKE, 5)).hits).toHaveLength(5);
    expect(server.requests.length).toBe(first + 2);
    expect(server.requests.at(-1)?.body.input).toEqual([KARAOKE]);

    const changed = CATALOGUE.map((p) =>
      p.code === "1.000004" ? { ...p, result: "Giấy phép xây dựng có thời hạn" } : p,
    );
    await setup({ cacheFile, catalogue: changed }).hybrid.ready();
    expect(server.requests.slice(first + 2).flatMap((r) => r.body.input)).toEqual([
      passageTexts(changed[3]!)[1],
    ]);

    const before = server.requests.length;
    await setup({ cacheFile, catalogue: changed }).hybrid.ready();
    expect(server.requests.length).toBe(before + 1); // the warm-up only
  });

  it("another model does not reuse the vectors", async () => {
    const cacheFile = path.join(dir, "vectors.json");
    await setup({ cacheFile }).hybrid.ready();
    const embeddings = createEmbeddingsClient({
      baseUrl: server.baseUrl,
      apiKey: API_KEY,
      model: "other-model",
    });
    const lexical = createLexicalRetriever(CATALOGUE, {});
    await createHybridRetriever({ catalogue: CATALOGUE, lexical, embeddings, cacheFile }).ready();
    expect(server.inputs()).toHaveLength(2 * 2 * CATALOGUE.length);
  });

  it.each([
    ["garbage", () => Buffer.from("not vectors at all")],
    [
      "a flipped byte",
      (b: Buffer) => Buffer.from(b.map((x, i) => (i === b.length - 3 ? x ^ 1 : x))),
    ],
    ["a cut file", (b: Buffer) => b.subarray(0, b.length - 10)],
  ])("a corrupt vector file (%s) is rebuilt, not trusted", async (_name, spoil) => {
    const cacheFile = path.join(dir, "vectors.bin");
    await setup({ cacheFile }).hybrid.ready();
    await writeFile(cacheFile, spoil(await readFile(cacheFile)));
    const asked = server.inputs().length;
    const { hybrid, log } = setup({ cacheFile });
    await hybrid.ready();
    expect(server.inputs().length - asked).toBe(2 * CATALOGUE.length);
    expect(log.warnings()[0]?.msg).toMatch(/unusable/);
    expect((await readFile(cacheFile)).subarray(0, 8).toString("latin1")).toBe("MCVEC01\n");
  });

  it("before ready() it gives the lexical result, warning once, without calling the API", async () => {
    const { hybrid, lexical, log } = setup();
    expect(await hybrid.search(KARAOKE, 3)).toEqual(lexical.search(KARAOKE, 3));
    expect(await hybrid.search("khai sinh", 3)).toEqual(lexical.search("khai sinh", 3));
    expect(server.requests).toHaveLength(0);
    expect(log.warnings()).toHaveLength(1);
  });

  it.each(["error500", "malformed-json", "hang", "wrong-dims", "nan"] as const)(
    "falls back to the lexical result when the API fails (%s), pauses it, then recovers",
    async (mode) => {
      let clock = 0;
      const { hybrid, lexical, log } = setup({
        queryTimeoutMs: 50,
        retryAfterMs: 1000,
        // Every question goes to the API here (the cache has its own test).
        queryCacheSize: 0,
        now: () => clock,
      });
      await hybrid.ready();
      const good = await hybrid.search(KARAOKE, 5);
      server.setMode(mode);
      const asked = server.requests.length;
      expect(await hybrid.search(KARAOKE, 5)).toEqual(lexical.search(KARAOKE, 5));
      expect(server.requests.length).toBe(asked + 1);
      // Paused: no call to the API, no wait.
      expect(await hybrid.search("khai sinh", 5)).toEqual(lexical.search("khai sinh", 5));
      expect(server.requests.length).toBe(asked + 1);
      clock = 1000;
      expect(await hybrid.search("khai sinh", 5)).toEqual(lexical.search("khai sinh", 5));
      expect(server.requests.length).toBe(asked + 2);
      expect(log.warnings()).toHaveLength(1);
      expect(JSON.stringify(log.lines)).not.toContain(API_KEY);
      const err = log.warnings()[0]?.obj as { err?: Error };
      expect(err.err?.message).not.toContain(API_KEY);

      server.setMode("ok");
      clock = 2000;
      const before = server.requests.length;
      expect(await hybrid.search(KARAOKE, 5)).toEqual(good);
      expect(server.requests.length).toBe(before + 1);
      expect(log.lines.at(-1)?.msg).toMatch(/work again/);
    },
  );

  it("ready() rejects when the catalogue cannot be embedded, search falls back, a retry works", async () => {
    const cacheFile = path.join(dir, "vectors.json");
    const { hybrid, lexical } = setup({ cacheFile });
    server.script("ok", "error500");
    await expect(hybrid.ready()).rejects.toMatchObject({ name: "EmbeddingsError", cause: "http" });
    expect(await hybrid.search(KARAOKE, 5)).toEqual(lexical.search(KARAOKE, 5));
    await hybrid.ready();
    const asked = server.requests.length;
    await hybrid.search(KARAOKE, 5);
    expect(server.requests.length).toBe(asked + 1);
    expect(server.requests.at(-1)?.body.input).toEqual([KARAOKE]);
  });
});

describe("judgeHybrid", () => {
  const hit = (code: string, score = 1) => ({ code, score });
  const evidence = (over: Partial<Evidence> = {}): Evidence => ({
    lexical: { hits: [hit("A"), hit("B")], confidence: "sure" },
    fused: [hit("A", 1.5), hit("B")],
    bestCosine: 0.9,
    denseRankOfFirst: 0,
    sameBase: (a, b) => a === b,
    beyond: 3,
    ...over,
  });
  it("sure only when lexical is sure, keeps its first procedure and the model ranks it high", () => {
    expect(judgeHybrid(evidence())).toBe("sure");
    expect(judgeHybrid(evidence({ denseRankOfFirst: DENSE_AGREEMENT_RANK - 1 }))).toBe("sure");
    expect(judgeHybrid(evidence({ denseRankOfFirst: DENSE_AGREEMENT_RANK }))).toBe("ambiguous");
    expect(judgeHybrid(evidence({ fused: [hit("B"), hit("A")] }))).toBe("ambiguous");
    const lexicalUnsure = evidence({ lexical: { hits: [hit("A")], confidence: "ambiguous" } });
    expect(judgeHybrid(lexicalUnsure)).toBe("ambiguous");
  });
  it("a level copy of the lexical first procedure counts as the same answer", () => {
    const copies = evidence({ fused: [hit("A2"), hit("A")], sameBase: (a, b) => a[0] === b[0] });
    expect(judgeHybrid(copies)).toBe("sure");
  });
  it("asks back when another procedure comes within the fused margin; level copies do not count", () => {
    const lead = (second: number) => evidence({ fused: [hit("A", 1), hit("B", second)] });
    expect(judgeHybrid(lead(1 - 1.01 * FUSED_MARGIN))).toBe("sure");
    expect(judgeHybrid(lead(1 - FUSED_MARGIN / 2))).toBe("ambiguous");
    const copyThenRival = evidence({
      fused: [hit("A1", 1), hit("A2", 0.99), hit("B", 0.95)],
      sameBase: (a, b) => a[0] === b[0],
    });
    expect(judgeHybrid(copyThenRival)).toBe("ambiguous");
    const copyThenFar = evidence({
      fused: [hit("A1", 1), hit("A2", 0.99), hit("B", 0.5)],
      sameBase: (a, b) => a[0] === b[0],
    });
    expect(judgeHybrid(copyThenFar)).toBe("sure");
    expect(judgeHybrid(evidence({ fused: [hit("A")] }))).toBe("sure");
  });
  it("a question saying over MARGIN_WORDS syllables beyond the name needs a lead in proportion", () => {
    const lead = 1.5 * FUSED_MARGIN;
    const fused = [hit("A", 1), hit("B", 1 - lead)];
    expect(judgeHybrid(evidence({ fused, beyond: MARGIN_WORDS }))).toBe("sure");
    expect(judgeHybrid(evidence({ fused, beyond: 1.4 * MARGIN_WORDS }))).toBe("sure");
    expect(judgeHybrid(evidence({ fused, beyond: 1.6 * MARGIN_WORDS }))).toBe("ambiguous");
    expect(neededLead(1)).toBe(FUSED_MARGIN);
    expect(neededLead(2 * MARGIN_WORDS)).toBeCloseTo(2 * FUSED_MARGIN);
  });
  it("what lexical cannot place is offered as choices only when the model is close", () => {
    const lost = { hits: [hit("A")], confidence: "not_found" as const };
    expect(judgeHybrid(evidence({ lexical: lost, bestCosine: DENSE_ONLY_COSINE }))).toBe(
      "ambiguous",
    );
    expect(judgeHybrid(evidence({ lexical: lost, bestCosine: DENSE_ONLY_COSINE - 0.01 }))).toBe(
      "not_found",
    );
    expect(judgeHybrid(evidence({ fused: [] }))).toBe("not_found");
  });
});
