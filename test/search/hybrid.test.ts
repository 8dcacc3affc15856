import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { procedureSchema, type Procedure } from "../../src/catalogue/types.ts";
import { createLogger } from "../../src/logger.ts";
import { createEmbeddingsClient } from "../../src/search/embeddings.ts";
import {
  createHybridRetriever,
  fuse,
  recordText,
  type HybridLogger,
  type HybridRetrieverOptions,
} from "../../src/search/hybrid.ts";
import { createLexicalRetriever } from "../../src/search/lexical.ts";
import type { Retriever } from "../../src/search/types.ts";
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
    ...over,
  });
  return { hybrid, lexical, log };
}

describe("createHybridRetriever", () => {
  it("a pino logger fits", () => {
    const logger: HybridLogger = createLogger({ level: "silent" });
    expect(logger).toBeDefined();
  });

  it("embeds the catalogue in batches (name, field, start of the result)", async () => {
    const { hybrid } = setup();
    await hybrid.ready();
    expect(server.requests.map((r) => r.body.input?.length)).toEqual([2, 2, 1]);
    expect(server.inputs()).toEqual(CATALOGUE.map(recordText));
    expect(recordText(CATALOGUE[1]!)).toBe(
      "Cấp phép dịch vụ vũ trường\nVăn hóa\nGiấy phép kinh doanh dịch vụ karaoke, vũ trường",
    );
  });

  it("reorders with the dense signal; confidence stays the lexical one", async () => {
    const { hybrid, lexical } = setup();
    await hybrid.ready();
    const lex = lexical.search(KARAOKE, 5);
    expect(lex.hits[0]?.code).toBe("1.000001");
    const result = await hybrid.search(KARAOKE, 5);
    expect(result.hits.map((h) => h.code).slice(0, 2)).toEqual(["1.000002", "1.000001"]);
    expect(result.confidence).toBe(lex.confidence);
    expect(result.hits).toHaveLength(5);
    expect(server.requests.at(-1)?.body.input).toEqual([KARAOKE]);
  });

  it("a changed first hit makes a 'sure' lexical result 'ambiguous', never the reverse", async () => {
    const stub = (confidence: "sure" | "ambiguous"): Retriever => ({
      search: () => ({
        hits: [
          { code: "1.000003", score: 2 },
          { code: "1.000002", score: 1 },
          { code: "1.000001", score: 0.5 },
        ],
        confidence,
      }),
    });
    const sure = setup({ lexical: stub("sure") }).hybrid;
    await sure.ready();
    const r = await sure.search(KARAOKE, 3);
    expect(r.hits[0]?.code).toBe("1.000002");
    expect(r.confidence).toBe("ambiguous");

    const unsure = setup({ lexical: stub("ambiguous") }).hybrid;
    await unsure.ready();
    expect((await unsure.search("khai sinh", 3)).confidence).toBe("ambiguous");
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

  it("reuses the cache on a second ready() and re-embeds only a changed record", async () => {
    const cacheFile = path.join(dir, "sub", "vectors.json");
    await setup({ cacheFile }).hybrid.ready();
    const first = server.requests.length;
    expect(first).toBe(3);
    expect(JSON.parse(await readFile(cacheFile, "utf8")).format).toBe("motcua-embeddings/1");

    const again = setup({ cacheFile }).hybrid;
    await again.ready();
    await again.ready();
    expect(server.requests.length).toBe(first);
    expect((await again.search(KARAOKE, 5)).hits[0]?.code).toBe("1.000002");

    const changed = CATALOGUE.map((p) =>
      p.code === "1.000004" ? { ...p, result: "Giấy phép xây dựng có thời hạn" } : p,
    );
    await setup({ cacheFile, catalogue: changed }).hybrid.ready();
    expect(server.requests.slice(first + 1).flatMap((r) => r.body.input)).toEqual([
      recordText(changed[3]!),
    ]);

    const before = server.requests.length;
    await setup({ cacheFile, catalogue: changed }).hybrid.ready();
    expect(server.requests.length).toBe(before);
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
    expect(server.inputs()).toHaveLength(2 * CATALOGUE.length);
  });

  it("before ready() it gives the lexical result, warning once, without calling the API", async () => {
    const { hybrid, lexical, log } = setup();
    expect(await hybrid.search(KARAOKE, 3)).toEqual(lexical.search(KARAOKE, 3));
    expect(await hybrid.search("khai sinh", 3)).toEqual(lexical.search("khai sinh", 3));
    expect(server.requests).toHaveLength(0);
    expect(log.warnings()).toHaveLength(1);
  });

  it.each(["error500", "malformed-json", "hang"] as const)(
    "falls back to the lexical result when the API fails (%s), pauses it, then recovers",
    async (mode) => {
      let clock = 0;
      const { hybrid, lexical, log } = setup({
        queryTimeoutMs: 50,
        retryAfterMs: 1000,
        now: () => clock,
      });
      await hybrid.ready();
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
      expect((await hybrid.search(KARAOKE, 5)).hits[0]?.code).toBe("1.000002");
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
    expect((await hybrid.search(KARAOKE, 5)).hits[0]?.code).toBe("1.000002");
  });
});

describe("fuse", () => {
  it("adds 1/(k + rank) over both rankings; ties keep the lexical order", () => {
    const lex = [
      { code: "A", score: 9 },
      { code: "B", score: 5 },
    ];
    expect(fuse(lex, ["B", "A"], 60).map((h) => h.code)).toEqual(["A", "B"]);
    const fused = fuse(lex, ["B", "C", "A"], 60);
    expect(fused.map((h) => h.code)).toEqual(["B", "A", "C"]);
    expect(fused[0]?.score).toBeCloseTo(1 / 61 + 1 / 62);
  });
});
