/**
 * A fake OpenAI-compatible chat server on 127.0.0.1 (port 0) for tests: POST
 * /v1/chat/completions answers with scripted replies, one per request, then with the default
 * reply. Records every request (path, headers, JSON body). A "hang" reply never answers, until
 * the server closes.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeChatMessage {
  role: string;
  content: string;
}

export interface FakeLlmRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: {
    model?: string;
    messages?: FakeChatMessage[];
    response_format?: { type?: string };
    [key: string]: unknown;
  };
}

export type FakeLlmReply =
  /** 200 with a chat completion whose message content is `content`. */
  | { content: string }
  /** The JSON object as the message content. */
  | { json: unknown }
  /** Any status with this body. */
  | { status: number; body: string }
  /** 200 with this body, not a chat completion (malformed JSON…). */
  | { raw: string }
  | "hang";

export type FakeLlmResponder = (req: FakeLlmRequest) => FakeLlmReply;

export interface FakeLlm {
  /** e.g. "http://127.0.0.1:41234/v1" */
  baseUrl: string;
  requests: FakeLlmRequest[];
  /** Replies of the next requests, one each, before the default. */
  script(...replies: (FakeLlmReply | FakeLlmResponder)[]): void;
  /** The reply of every request once the script is used up. */
  setDefault(reply: FakeLlmReply | FakeLlmResponder): void;
  close(): Promise<void>;
}

/** The user message of a request (the records and the question). */
export function userText(req: FakeLlmRequest): string {
  return req.body.messages?.find((m) => m.role === "user")?.content ?? "";
}

/** Codes of the records the request holds (between <thu_tuc> tags), in order. */
export function recordCodes(req: FakeLlmRequest): string[] {
  const records = /<thu_tuc>([\s\S]*?)<\/thu_tuc>/.exec(userText(req))?.[1] ?? "";
  return [...records.matchAll(/"ma":"(\d\.\d{6})"/g)].map((m) => m[1] ?? "");
}

/** A grounded answer without numbers about the first record of the request. */
export const citeFirstRecord: FakeLlmResponder = (req) => {
  const code = recordCodes(req)[0] ?? "0.000000";
  return {
    json: {
      answer: `Bạn xem thủ tục mã ${code}: hồ sơ nộp tại cơ quan có thẩm quyền.`,
      citedCodes: [code],
      completeness: "complete",
    },
  };
};

export async function startFakeLlm(
  defaultReply: FakeLlmReply | FakeLlmResponder = citeFirstRecord,
): Promise<FakeLlm> {
  const requests: FakeLlmRequest[] = [];
  const queue: (FakeLlmReply | FakeLlmResponder)[] = [];
  let fallback = defaultReply;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: FakeLlmRequest["body"] = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as FakeLlmRequest["body"];
      } catch {
        // recorded as empty
      }
      const request: FakeLlmRequest = { path: req.url ?? "", headers: req.headers, body };
      requests.push(request);
      const send = (status: number, text: string) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(text);
      };
      if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
        return send(404, JSON.stringify({ error: { message: "not found" } }));
      }
      const next = queue.shift() ?? fallback;
      const reply = typeof next === "function" ? next(request) : next;
      if (reply === "hang") return;
      if ("status" in reply) return send(reply.status, reply.body);
      if ("raw" in reply) return send(200, reply.raw);
      const content = "json" in reply ? JSON.stringify(reply.json) : reply.content;
      send(
        200,
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: "chat.completion",
          created: 1_767_225_600,
          model: body.model ?? "fake",
          choices: [
            {
              index: 0,
              message: { role: "assistant", content },
              finish_reason: "stop",
            },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script(...replies) {
      queue.push(...replies);
    },
    setDefault(reply) {
      fallback = reply;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
    },
  };
}
