import type http from "node:http";

/** Answers with `value` as JSON (the fake platform servers); nothing when the client is gone. */
export function replyJson(res: http.ServerResponse, status: number, value: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(value);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}
