import { readFileSync, writeFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";

/** The lines of a gzipped (or plain) JSON-lines file, with their 1-based numbers; blanks skipped. */
export function readJsonLines(file: string): Array<{ line: number; text: string }> {
  const bytes = readFileSync(file);
  const isGzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const content = (isGzip ? gunzipSync(bytes) : bytes).toString("utf8");
  return content
    .split("\n")
    .map((text, i) => ({ line: i + 1, text: text.replace(/\r$/u, "") }))
    .filter((l) => l.text.trim() !== "");
}

/** Writes values as gzipped JSON lines. Same input, same bytes (gzip header time is zero). */
export function writeJsonLinesGz(file: string, values: readonly unknown[]): void {
  const content = values.map((v) => JSON.stringify(v)).join("\n") + (values.length ? "\n" : "");
  writeFileSync(file, gzipSync(Buffer.from(content, "utf8"), { level: 9 }));
}
