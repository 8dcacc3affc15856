import { fileURLToPath } from "node:url";
import { formatCoverageReport, importCatalogue, type ImportResult } from "./import.ts";
import { DEFAULT_CATALOGUE_FILE, writeCatalogue } from "./store.ts";

/** ../shared/data/raw next to the repository. */
export const DEFAULT_RAW_DIR = fileURLToPath(new URL("../../../shared/data/raw", import.meta.url));
export { DEFAULT_CATALOGUE_FILE };

/** Imports the raw sources, writes the catalogue file and prints the coverage report. */
export function runImport({
  rawDir = DEFAULT_RAW_DIR,
  outFile = DEFAULT_CATALOGUE_FILE,
  out,
}: {
  rawDir?: string;
  outFile?: string;
  out: (line: string) => void;
}): ImportResult {
  const result = importCatalogue({ rawDir });
  writeCatalogue(outFile, result.records);
  for (const line of formatCoverageReport(result).split("\n")) out(line);
  out(`Wrote ${result.records.length} procedures to ${outFile}`);
  return result;
}

/** Reads "--raw DIR" and "--out FILE" from command arguments (for the "import" CLI command). */
export function parseImportArgs(args: readonly string[]): { rawDir?: string; outFile?: string } {
  const options: { rawDir?: string; outFile?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = args[i + 1];
    if ((arg === "--raw" || arg === "--out") && (value === undefined || value.startsWith("--"))) {
      throw new Error(`${arg} needs a value`);
    }
    if (arg === "--raw") options.rawDir = value;
    else if (arg === "--out") options.outFile = value;
    else throw new Error(`unknown option: ${arg}`);
    i++;
  }
  return options;
}
