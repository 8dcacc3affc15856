import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { procedureSchema, type Procedure } from "./types.ts";
import { CatalogueParseError } from "./errors.ts";
import { readJsonLines, writeJsonLinesGz } from "./jsonl.ts";

/** data/catalogue.jsonl.gz in the repository. */
export const DEFAULT_CATALOGUE_FILE = fileURLToPath(
  new URL("../../data/catalogue.jsonl.gz", import.meta.url),
);

/** Writes the records as gzipped JSON lines sorted by code; the same records give the same bytes. */
export function writeCatalogue(file: string, records: readonly Procedure[]): void {
  const sorted = [...records].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  mkdirSync(dirname(file), { recursive: true });
  writeJsonLinesGz(
    file,
    sorted.map((r) => procedureSchema.parse(r)),
  );
}

/**
 * Reads and validates the catalogue (default data/catalogue.jsonl.gz). A line that is not JSON or
 * not a valid Procedure throws CatalogueParseError naming the line.
 *
 * Equal strings are kept once: "1 bản chính", agency names and whole document texts recur across
 * thousands of records, and sharing them takes about 15 MB off the server's heap.
 */
export function loadCatalogue(file: string = DEFAULT_CATALOGUE_FILE): Procedure[] {
  const records: Procedure[] = [];
  const seen = new Map<string, string>();
  const shared = (_key: string, value: unknown) => {
    if (typeof value !== "string") return value;
    const kept = seen.get(value);
    if (kept !== undefined) return kept;
    seen.set(value, value);
    return value;
  };
  for (const { line, text } of readJsonLines(file)) {
    let json: unknown;
    try {
      json = JSON.parse(text, shared);
    } catch (error) {
      throw new CatalogueParseError(`line ${line}`, "json", "not JSON", { cause: error, line });
    }
    const parsed = procedureSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const code = (json as { code?: unknown } | null)?.code;
      throw new CatalogueParseError(
        typeof code === "string" ? code : `line ${line}`,
        issue?.path.join(".") || "record",
        issue?.message ?? "invalid record",
        { cause: parsed.error, line },
      );
    }
    records.push(parsed.data);
  }
  return records;
}
