import { readFileSync, writeFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";

/** Bigger than the bundled catalogue unpacked (22.5 MB). */
const OUTPUT_CHUNK = 32 * 1024 * 1024;

/**
 * The lines of a gzipped (or plain) JSON-lines file, with their 1-based numbers; blanks skipped.
 * Lines are decoded one at a time from the bytes, so the whole text never exists as one string.
 */
export function* readJsonLines(file: string): Generator<{ line: number; text: string }> {
  const bytes = readFileSync(file);
  const isGzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  // One output buffer of about the whole size, not 16 KB pieces joined: a block that large is
  // mapped and unmapped whole, so the process keeps none of it once the lines are read.
  const content = isGzip ? gunzipSync(bytes, { chunkSize: OUTPUT_CHUNK }) : bytes;
  let line = 0;
  for (let start = 0; start < content.length;) {
    let end = content.indexOf(0x0a, start);
    if (end < 0) end = content.length;
    line++;
    const text = content.toString("utf8", start, end).replace(/\r$/u, "");
    if (text.trim() !== "") yield { line, text };
    start = end + 1;
  }
}

/** Writes values as gzipped JSON lines. Same input, same bytes (gzip header time is zero). */
export function writeJsonLinesGz(file: string, values: readonly unknown[]): void {
  const content = values.map((v) => JSON.stringify(v)).join("\n") + (values.length ? "\n" : "");
  writeFileSync(file, gzipSync(Buffer.from(content, "utf8"), { level: 9 }));
}
