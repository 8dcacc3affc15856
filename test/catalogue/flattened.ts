import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Real field values from the raw sources (see test/fixtures/catalogue/flattened.json). */
interface Flattened {
  methods: Record<string, string>;
  methodsContext: Record<string, string>;
  documents: Record<string, string>;
  legal: Record<string, string>;
  steps: Record<string, string>;
  results: Record<string, string>;
  audience: Record<string, string>;
  bqpSteps: Record<string, string>;
}

export const flattened = JSON.parse(
  readFileSync(new URL("../fixtures/catalogue/flattened.json", import.meta.url), "utf8"),
) as Flattened;

/** The value under `key`; fails the test when the fixture lacks it. */
export function sample(group: Record<string, string>, key: string): string {
  const value = group[key];
  if (value === undefined) throw new Error(`fixture missing: ${key}`);
  return value;
}

export const RAW_FIXTURE_DIR = fileURLToPath(new URL("../fixtures/catalogue/raw", import.meta.url));
