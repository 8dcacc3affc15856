/**
 * A fake OpenAI-compatible embeddings server on 127.0.0.1 (port 0) for tests. Vectors are a
 * hashed bag of folded syllables, so texts sharing words are near. Records every request; answers
 * base64 float32 vectors when asked (`encoding_format: "base64"`, as OpenAI does; not with
 * `numbersOnly`, like a server that ignores it); can be scripted to answer 500 (echoing the
 * Authorization header, like a careless server), malformed JSON, a wrong shape, or nothing at all.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { foldedSyllables } from "../../src/text/tokenize.ts";

export type FakeMode =
  | "ok"
  /** 500 whose body echoes the Authorization header and the input. */
  | "error500"
  | "malformed-json"
  /** Vectors of unequal length. */
  | "unequal-dims"
  /** Well-formed vectors of another dimension than usual (half). */
  | "wrong-dims"
  /** A string where a number belongs (JSON cannot carry NaN). */
  | "nan"
  /** base64 vectors whose numbers include a NaN. */
  | "nan-base64"
  /** An embedding string that is not base64 float32 numbers (5 bytes). */
  | "bad-base64"
  /** One vector fewer than asked. */
  | "missing-vector"
  /** Never answers (until the server closes). */
  | "hang"
  /** Sends the status line and half a body, then nothing more. */
  | "stall-body"
  /** An answer of 40 MB (spaces before the JSON). */
  | "huge";

export interface FakeRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: { model?: string; input?: string[]; input_type?: string; encoding_format?: string };
}

export interface FakeOpenAI {
  /** e.g. "http://127.0.0.1:41234/v1" */
  baseUrl: string;
  requests: FakeRequest[];
  /** Every text received, in order. */
  inputs(): string[];
  /** Mode of every request from now on. */
  setMode(mode: FakeMode): void;
  /** Modes of the next requests, one each, before falling back to the current mode. */
  script(...modes: FakeMode[]): void;
  close(): Promise<void>;
}

export const FAKE_DIMS = 64;

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The vector the fake server gives a text: counts of folded syllables hashed into `dims`. */
export function fakeVector(text: string, dims = FAKE_DIMS): number[] {
  const v = new Array<number>(dims).fill(0);
  for (const s of foldedSyllables(text)) v[hash(s) % dims]! += 1;
  if (!v.some((x) => x > 0)) v[0] = 1;
  return v;
}

/** Numbers as OpenAI's base64 encoding sends them: little-endian float32. */
export function base64Vector(numbers: readonly number[]): string {
  const bytes = Buffer.alloc(numbers.length * 4);
  numbers.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString("base64");
}

export async function startFakeOpenAI(
  options: { reverse?: boolean; dims?: number; numbersOnly?: boolean } = {},
): Promise<FakeOpenAI> {
  const dims = options.dims ?? FAKE_DIMS;
  const requests: FakeRequest[] = [];
  let mode: FakeMode = "ok";
  const queue: FakeMode[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: FakeRequest["body"] = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as FakeRequest["body"];
      } catch {
        // recorded as empty
      }
      requests.push({ path: req.url ?? "", headers: req.headers, body });
      const current = queue.shift() ?? mode;
      if (req.method !== "POST" || req.url !== "/v1/embeddings") {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "not found" } }));
        return;
      }
      const input = body.input ?? [];
      const send = (status: number, text: string) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(text);
      };
      switch (current) {
        case "hang":
          return;
        case "stall-body":
          res.writeHead(200, { "content-type": "application/json" });
          res.write('{"data": [');
          return;
        case "huge":
          res.writeHead(200, { "content-type": "application/json" });
          res.write(Buffer.alloc(40 * 1024 * 1024, " "));
          return res.end('{"data": []}');
        case "error500":
          return send(
            500,
            JSON.stringify({
              error: { message: `boom for ${req.headers.authorization} on ${input.join("|")}` },
            }),
          );
        case "malformed-json":
          return send(200, '{"data": [ {"embedding": [0.1, ');
        case "unequal-dims":
          return send(
            200,
            JSON.stringify({
              data: input.map((_, i) => ({ index: i, embedding: new Array(i + 1).fill(0.5) })),
            }),
          );
        case "wrong-dims":
          return send(
            200,
            JSON.stringify({
              data: input.map((t, i) => ({ index: i, embedding: fakeVector(t, dims / 2) })),
            }),
          );
        case "nan":
          return send(
            200,
            JSON.stringify({ data: input.map((_, i) => ({ index: i, embedding: ["NaN"] })) }),
          );
        case "missing-vector":
          return send(
            200,
            JSON.stringify({
              data: input.slice(1).map((t, i) => ({ index: i, embedding: fakeVector(t, dims) })),
            }),
          );
        case "nan-base64":
          return send(
            200,
            JSON.stringify({
              data: input.map((_, i) => ({ index: i, embedding: base64Vector([0.5, NaN, 0.5]) })),
            }),
          );
        case "bad-base64":
          return send(
            200,
            JSON.stringify({ data: input.map((_, i) => ({ index: i, embedding: "AAAAAAA=" })) }),
          );
        case "ok": {
          const data = input.map((t, i) => ({
            object: "embedding",
            index: i,
            embedding:
              body.encoding_format === "base64" && !options.numbersOnly
                ? base64Vector(fakeVector(t, dims))
                : fakeVector(t, dims),
          }));
          if (options.reverse) data.reverse();
          return send(200, JSON.stringify({ object: "list", model: body.model, data }));
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    inputs: () => requests.flatMap((r) => r.body.input ?? []),
    setMode(m) {
      mode = m;
    },
    script(...modes) {
      queue.push(...modes);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
    },
  };
}
