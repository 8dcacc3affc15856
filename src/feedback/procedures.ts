/** The catalogue as the queue needs it: does a procedure code exist, and which agencies run it. */

export interface ProcedureDirectory {
  has(code: string): boolean;
  /** Agencies in the catalogue's order (the implementing agency first); undefined if unknown. */
  agenciesOf(code: string): readonly string[] | undefined;
}

export function createProcedureDirectory(
  procedures: Iterable<{ code: string; agencies: readonly string[] }>,
): ProcedureDirectory {
  const byCode = new Map<string, readonly string[]>();
  for (const p of procedures) byCode.set(p.code, p.agencies);
  return {
    has: (code) => byCode.has(code),
    agenciesOf: (code) => byCode.get(code),
  };
}
