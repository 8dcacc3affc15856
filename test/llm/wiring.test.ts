import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { buildAssistant } from "../../src/wiring.ts";
import { recordCodes, startFakeLlm, type FakeLlm } from "../helpers/fake-llm.ts";

const noFile = { envFile: null, cwd: "/srv/motcua" } as const;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("LLM settings", () => {
  const all = {
    LLM_BASE_URL: "http://127.0.0.1:11434/v1",
    LLM_API_KEY: "sk-secret-value-1234567890",
    LLM_MODEL: "qwen2.5:7b-instruct",
  };

  it("are read together, with an 8 s default budget", () => {
    expect(loadConfig(all, noFile).llm).toEqual({
      baseUrl: "http://127.0.0.1:11434/v1",
      apiKey: "sk-secret-value-1234567890",
      model: "qwen2.5:7b-instruct",
      timeoutMs: 8000,
    });
    expect(loadConfig({ ...all, LLM_TIMEOUT_MS: "2500" }, noFile).llm?.timeoutMs).toBe(2500);
  });

  it("are absent when none is set; the timeout alone changes nothing", () => {
    expect(loadConfig({}, noFile)).not.toHaveProperty("llm");
    expect(loadConfig({ LLM_TIMEOUT_MS: "50000" }, noFile)).not.toHaveProperty("llm");
    expect(loadConfig({ LLM_API_KEY: "" }, noFile)).not.toHaveProperty("llm");
  });

  it("go together; errors name the keys, never the values", () => {
    const err = configError(() =>
      loadConfig({ LLM_BASE_URL: all.LLM_BASE_URL, LLM_API_KEY: all.LLM_API_KEY }, noFile),
    );
    expect(err.keys).toEqual(["LLM_MODEL"]);
    expect(err.message).not.toContain(all.LLM_API_KEY);
    expect(configError(() => loadConfig({ LLM_MODEL: "m" }, noFile)).keys).toEqual([
      "LLM_BASE_URL",
      "LLM_API_KEY",
    ]);
  });

  it("check the URL and the timeout", () => {
    expect(configError(() => loadConfig({ ...all, LLM_BASE_URL: "ftp://x" }, noFile)).keys).toEqual(
      ["LLM_BASE_URL"],
    );
    for (const bad of ["0", "99", "120001", "8s", "-5"]) {
      expect(configError(() => loadConfig({ ...all, LLM_TIMEOUT_MS: bad }, noFile)).keys).toEqual([
        "LLM_TIMEOUT_MS",
      ]);
    }
  });
});

// Over the bundled catalogue: retrieval is calibrated on it.
describe("buildAssistant and eval --llm", () => {
  let fake: FakeLlm;
  let dir: string;

  beforeAll(async () => {
    fake = await startFakeLlm();
    dir = mkdtempSync(path.join(tmpdir(), "motcua-llm-"));
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it("without a key, makes no network attempt", async () => {
    const config = loadConfig({ LLM_TIMEOUT_MS: "100" }, noFile);
    const { assistant } = await buildAssistant({ llm: config.llm ?? null });
    for (const q of ["đăng ký khai sinh cần giấy tờ gì", "cấp hộ chiếu phổ thông lệ phí"]) {
      const r = await assistant.ask(q);
      // Questions the LLM path would take, answered offline.
      expect(r.intent).toBe("procedure");
      expect(r.confidence).not.toBe("not_found");
      expect(r.source).toBeUndefined();
    }
    const r = await assistant.ask("thế phí bao nhiêu?", { previousCode: "1.001193" });
    expect(r.answer).toBeTruthy();
    expect(fake.requests).toHaveLength(0);
  });

  it("with the settings, asks the configured endpoint", async () => {
    const { assistant } = await buildAssistant({
      llm: { baseUrl: fake.baseUrl, apiKey: "k", model: "m", timeoutMs: 2000 },
    });
    const r = await assistant.ask("đăng ký khai sinh cần giấy tờ gì");
    expect(r.source).toBe("llm");
    expect(fake.requests).toHaveLength(1);
  });

  async function cli(env: NodeJS.ProcessEnv, ...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      stdin: new PassThrough(),
      // Lexical only: these tests are about the LLM path, not the bundled embeddings model.
      env: { LOCAL_EMBEDDINGS: "off", ...env },
    });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }

  function evalFile() {
    const file = path.join(dir, "eval.jsonl");
    const items = [
      { id: "a", question: "Đăng ký khai sinh cần gì?", kind: "procedure", accept: ["1.001193"] },
      {
        id: "b",
        question: "Cấp hộ chiếu phổ thông lệ phí?",
        kind: "procedure",
        accept: ["2.002001"],
      },
      { id: "c", question: "Xin chào", kind: "greeting", accept: [] },
    ];
    writeFileSync(file, items.map((i) => JSON.stringify(i)).join("\n"));
    return file;
  }

  it("eval --llm without the settings is an error (exit 2), with no request", async () => {
    const r = await cli({}, "eval", evalFile(), "--llm");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/LLM_BASE_URL, LLM_API_KEY and LLM_MODEL/);
    expect(fake.requests).toHaveLength(0);
    const partial = await cli({ LLM_MODEL: "m" }, "eval", evalFile(), "--llm");
    expect(partial.code).toBe(2);
    expect(partial.err).toMatch(/LLM_API_KEY/);
  });

  it("eval --llm reports grounding and fallbacks", async () => {
    // One good answer per question, then one hallucinated fee.
    const hallucinated = (req: Parameters<typeof recordCodes>[0]) => {
      const code = recordCodes(req)[0] ?? "";
      return {
        json: {
          answer: `Lệ phí 999.000 đồng (mã ${code}).`,
          citedCodes: [code],
          completeness: "complete",
        },
      };
    };
    fake.script(hallucinated, { status: 500, body: "{}" });
    const env = { LLM_BASE_URL: fake.baseUrl, LLM_API_KEY: "k", LLM_MODEL: "fake-model" };
    const r = await cli(env, "eval", evalFile(), "--llm");
    expect(r.code).toBe(0);
    expect(r.out).toContain("hit@1");
    expect(r.out).toContain("LLM answers (fake-model)");
    expect(r.out).toMatch(/grounding passed \d+\/\d+ checked answers/);
    expect(r.out).toMatch(/fallbacks \d+\/\d+ calls/);
    expect(r.out).toContain("amount_not_in_records 1");
    expect(r.out).toContain("http_500 1");
  });
});
