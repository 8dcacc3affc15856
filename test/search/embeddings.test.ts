import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmbeddingsClient, EmbeddingsError } from "../../src/search/embeddings.ts";
import {
  base64Vector,
  fakeVector,
  startFakeOpenAI,
  type FakeOpenAI,
} from "../helpers/fake-openai.ts";

const API_KEY = "sk-test-0123456789abcdefSECRET";

let server: FakeOpenAI;
beforeEach(async () => {
  server = await startFakeOpenAI({ reverse: true });
});
afterEach(async () => {
  await server.close();
});

const client = (
  over: { timeoutMs?: number; batchSize?: number; baseUrl?: string; base64?: boolean } = {},
) =>
  createEmbeddingsClient({
    baseUrl: over.baseUrl ?? server.baseUrl,
    apiKey: API_KEY,
    model: "test-model",
    timeoutMs: over.timeoutMs ?? 2000,
    batchSize: over.batchSize ?? 2,
    ...(over.base64 ? { base64: true } : {}),
  });

async function failure(p: Promise<unknown>): Promise<EmbeddingsError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EmbeddingsError);
  const e = err as EmbeddingsError;
  expect(e.message).not.toContain(API_KEY);
  expect(String(e.stack)).not.toContain(API_KEY);
  expect(JSON.stringify(e)).not.toContain(API_KEY);
  return e;
}

describe("createEmbeddingsClient", () => {
  it("embeds in batches, in the order of the texts (server answers in reverse, with index)", async () => {
    const texts = [
      "đăng ký khai sinh",
      "cấp hộ chiếu",
      "giấy phép lái xe",
      "kết hôn",
      "nhận con nuôi",
    ];
    const vectors = await client().embed(texts);
    expect(server.requests.map((r) => r.body.input)).toEqual([
      texts.slice(0, 2),
      texts.slice(2, 4),
      texts.slice(4),
    ]);
    expect(vectors.map((v) => [...v])).toEqual(texts.map((t) => fakeVector(t)));
    expect(vectors[0]).toBeInstanceOf(Float32Array);
  });

  it("posts the model with a Bearer key to {baseUrl}/embeddings (trailing slash allowed)", async () => {
    await client({ baseUrl: `${server.baseUrl}/` }).embed(["hộ tịch"]);
    const [req] = server.requests;
    expect(req?.path).toBe("/v1/embeddings");
    expect(req?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.body.model).toBe("test-model");
  });

  it("asks for base64 vectors when told to, and reads them as the same numbers", async () => {
    const texts = ["đăng ký khai sinh", "cấp hộ chiếu", "kết hôn"];
    const vectors = await client({ base64: true }).embed(texts);
    expect(server.requests.map((r) => r.body.encoding_format)).toEqual(["base64", "base64"]);
    expect(vectors.map((v) => [...v])).toEqual(texts.map((t) => fakeVector(t)));
    // Not asked: plain JSON numbers, and no encoding_format sent at all.
    await client().embed(["kết hôn"]);
    expect(server.requests.at(-1)?.body).not.toHaveProperty("encoding_format");
  });

  it("reads numbers from a server that ignores the base64 request", async () => {
    const plain = await startFakeOpenAI({ numbersOnly: true });
    const vectors = await client({ base64: true, baseUrl: plain.baseUrl }).embed(["x"]);
    await plain.close();
    expect(plain.requests[0]?.body.encoding_format).toBe("base64");
    expect([...vectors[0]!]).toEqual(fakeVector("x"));
    expect(base64Vector([1, -2.5])).toBe("AACAPwAAIMA="); // the encoding OpenAI documents
  });

  it("sends nothing for no texts", async () => {
    expect(await client().embed([])).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it("masks phone numbers, ID numbers and e-mails before sending", async () => {
    await client().embed([
      "Tôi gọi 0912 345 678 hoặc +84912345678, CCCD 001203004567, CMND 123456789, mail an.nguyen@example.vn",
    ]);
    const sent = server.inputs().join(" ");
    for (const secret of ["0912", "912345678", "001203004567", "123456789", "an.nguyen", "@"]) {
      expect(sent).not.toContain(secret);
    }
    expect(sent).toContain("[phone]");
    expect(sent).toContain("[id-number]");
    expect(sent).toContain("[email]");
  });

  it("names an HTTP error by status, without the key the server echoed", async () => {
    server.setMode("error500");
    const e = await failure(client().embed(["a"]));
    expect(e.cause).toBe("http");
    expect(e.status).toBe(500);
    expect(e.message).toContain("HTTP 500");
    expect(e.message).toContain("[redacted]");
  });

  it("names malformed responses", async () => {
    server.script("malformed-json", "unequal-dims", "missing-vector", "nan-base64", "bad-base64");
    for (let i = 0; i < 5; i++) {
      const e = await failure(client({ base64: i >= 3 }).embed(["a", "b"]));
      expect(e.cause).toBe("malformed");
      expect(e.status).toBe(200);
    }
  });

  it("times out when the server does not answer", async () => {
    server.setMode("hang");
    const e = await failure(client({ timeoutMs: 50 }).embed(["a"]));
    expect(e.cause).toBe("timeout");
    expect(e.message).toContain("50 ms");
  });

  it("times out on an answer that stops halfway, and reads no answer past 32 MB", async () => {
    const c = client();
    server.setMode("stall-body");
    const stalled = await failure(c.embed(["a"], { timeoutMs: 100 }));
    expect(stalled.cause).toBe("timeout");
    server.setMode("huge");
    const huge = await failure(c.embed(["a"]));
    expect(huge.cause).toBe("network");
    expect(huge.message).toContain("answer over");
    server.setMode("ok"); // the same client goes on working after both
    expect(await c.embed(["a"])).toHaveLength(1);
  });

  it("names a connection failure", async () => {
    const url = server.baseUrl;
    await server.close();
    const e = await failure(client({ baseUrl: url }).embed(["a"]));
    expect(e.cause).toBe("network");
    expect(e.status).toBeUndefined();
    server = await startFakeOpenAI();
  });
});
