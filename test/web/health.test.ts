/** GET /healthz reports the retrieval mode: hybrid once the vectors are in, lexical otherwise. */
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.ts";
import { createApp } from "../../src/web/app.ts";
import { buildAssistant, LEXICAL_ONLY_HINT } from "../../src/wiring.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../helpers/fake-openai.ts";

let fake: FakeOpenAI | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function health(parts: Awaited<ReturnType<typeof buildAssistant>>) {
  const app = createApp({
    config: { port: 0, host: "127.0.0.1", databaseFile: ":memory:" },
    logger: createLogger({ level: "silent" }),
    assistant: parts.assistant,
    health: parts.health,
  });
  const { url } = await app.start();
  try {
    return await (await fetch(`${url}healthz`)).json();
  } finally {
    await app.stop();
  }
}

describe("GET /healthz and the retrieval mode", () => {
  it("without a model or endpoint: lexical, and one log line says how to turn semantic retrieval on", async () => {
    const lines: string[] = [];
    const parts = await buildAssistant({
      logger: { info: (_o, m) => lines.push(m), warn: (_o, m) => lines.push(m) },
    });
    expect(await health(parts)).toEqual({ ok: true, retrieval: "lexical", embeddings: null });
    expect(lines.filter((l) => l === LEXICAL_ONLY_HINT)).toHaveLength(1);
    expect(LEXICAL_ONLY_HINT).toMatch(/npm run setup/);
  });

  it("with an EMBEDDINGS_* endpoint: hybrid once ready; lexical while the endpoint fails", async () => {
    fake = await startFakeOpenAI();
    const parts = await buildAssistant({
      embeddings: { baseUrl: fake.baseUrl, apiKey: "k", model: "fake-64" },
      waitForVectors: true,
    });
    // Building starts nothing: no call to the endpoint before start().
    expect(await health(parts)).toEqual({
      ok: true,
      retrieval: "lexical",
      embeddings: { model: "fake-64", ready: false },
    });
    expect(fake.requests).toHaveLength(0);
    await parts.start();
    expect(await health(parts)).toEqual({
      ok: true,
      retrieval: "hybrid",
      embeddings: { model: "fake-64", ready: true },
    });
    fake.setMode("error500");
    const answer = await parts.assistant.ask("đăng ký khai sinh cho con");
    expect(answer.procedures.length).toBeGreaterThan(0);
    expect(await health(parts)).toEqual({
      ok: true,
      retrieval: "lexical",
      embeddings: { model: "fake-64", ready: false },
    });
  }, 60_000);
});
