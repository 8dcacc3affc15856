import { MotcuaError } from "../errors.ts";

/**
 * A catalogue record (raw or stored) that cannot be read, named by the record (its procedure
 * code) and the field at fault.
 */
export class CatalogueParseError extends MotcuaError {
  readonly code = "catalogue_record_invalid";
  /** The record's procedure code, or "line N" when it has none. */
  readonly record: string;
  readonly field: string;
  /** 1-based line of the JSON-lines file, when the error comes from one. */
  readonly line: number | undefined;

  constructor(
    record: string,
    field: string,
    reason: string,
    options?: { cause?: unknown; line?: number },
  ) {
    const where = options?.line === undefined ? "" : `line ${options.line}: `;
    super(`${where}${record}: ${field}: ${reason}`, { cause: options?.cause });
    this.record = record;
    this.field = field;
    this.line = options?.line;
  }
}

/** A raw source file the importer needs is missing or unreadable. */
export class CatalogueSourceError extends MotcuaError {
  readonly code = "catalogue_source_unreadable";
  readonly source: string;
  readonly file: string;

  constructor(source: string, file: string, reason: string, options?: { cause?: unknown }) {
    super(`${source}: ${file}: ${reason}`, options);
    this.source = source;
    this.file = file;
  }
}
