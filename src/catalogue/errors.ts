/** A catalogue record (raw or stored) that cannot be read, named by the code and field at fault. */
export class CatalogueParseError extends Error {
  override readonly name = "CatalogueParseError";
  readonly code: string;
  readonly field: string;
  /** 1-based line of the JSON-lines file, when the error comes from one. */
  readonly line: number | undefined;

  constructor(
    code: string,
    field: string,
    reason: string,
    options?: { cause?: unknown; line?: number },
  ) {
    const where = options?.line === undefined ? "" : `line ${options.line}: `;
    super(`${where}${code}: ${field}: ${reason}`, { cause: options?.cause });
    this.code = code;
    this.field = field;
    this.line = options?.line;
  }
}

/** A raw source file the importer needs is missing or unreadable. */
export class CatalogueSourceError extends Error {
  override readonly name = "CatalogueSourceError";
  readonly source: string;
  readonly file: string;

  constructor(source: string, file: string, reason: string, options?: { cause?: unknown }) {
    super(`${source}: ${file}: ${reason}`, options);
    this.source = source;
    this.file = file;
  }
}
