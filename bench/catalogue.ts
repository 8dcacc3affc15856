import { existsSync } from "node:fs";
import { DEFAULT_CATALOGUE_FILE, loadCatalogue, type Procedure } from "../src/catalogue/index.ts";

export class MissingCatalogueError extends Error {
  constructor(readonly file: string) {
    super(`catalogue not found: ${file}. Build it first with: npm run cli -- import`);
    this.name = "MissingCatalogueError";
  }
}

/** The imported catalogue (data/catalogue.jsonl.gz); the bench never runs on anything else. */
export function loadBenchCatalogue(file: string = DEFAULT_CATALOGUE_FILE): Procedure[] {
  if (!existsSync(file)) throw new MissingCatalogueError(file);
  return loadCatalogue(file);
}

export { DEFAULT_CATALOGUE_FILE };
