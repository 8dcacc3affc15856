export * from "./types.ts";
export { CatalogueParseError, CatalogueSourceError } from "./errors.ts";
export {
  importCatalogue,
  formatCoverageReport,
  type ImportResult,
  type CoverageReport,
  type ImportFailure,
} from "./import.ts";
export { loadCatalogue, writeCatalogue, DEFAULT_CATALOGUE_FILE } from "./store.ts";
export { runImport, parseImportArgs, DEFAULT_RAW_DIR } from "./import-command.ts";
export { parseMethods } from "./parse-methods.ts";
export { parseDocuments, parseDocumentSection } from "./parse-documents.ts";
export { parseLegalBasis } from "./parse-legal.ts";
export { parseSteps } from "./parse-steps.ts";
export { portalUrlForCode } from "./portal.ts";
export { statesDuration } from "./parse-time.ts";
