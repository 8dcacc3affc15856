/** The catalogue as PAKN needs it: does a procedure code exist, and which agencies run it. */

export interface ProcedureDirectory {
  has(code: string): boolean;
  /** Agencies in the catalogue's order (the implementing agency first); undefined if unknown. */
  agenciesOf(code: string): readonly string[] | undefined;
  /** The procedure's name, when the catalogue gave one (the staff desk shows it). */
  nameOf?(code: string): string | undefined;
  /** Its page on the national portal, when the catalogue gave one. */
  urlOf?(code: string): string | undefined;
}

export function createProcedureDirectory(
  procedures: Iterable<{ code: string; agencies: readonly string[]; name?: string; url?: string }>,
): ProcedureDirectory {
  const byCode = new Map<string, readonly string[]>();
  const names = new Map<string, string>();
  const urls = new Map<string, string>();
  for (const p of procedures) {
    byCode.set(p.code, p.agencies);
    if (typeof p.name === "string" && p.name !== "") names.set(p.code, p.name);
    if (typeof p.url === "string" && /^https:\/\//.test(p.url)) urls.set(p.code, p.url);
  }
  return {
    has: (code) => byCode.has(code),
    agenciesOf: (code) => byCode.get(code),
    nameOf: (code) => names.get(code),
    urlOf: (code) => urls.get(code),
  };
}
