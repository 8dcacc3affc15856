/** Which agency a new case goes to: the procedure's implementing agency, else the office named. */
import { UnknownProcedureError } from "./errors.ts";
import { MAX_AGENCY_CHARS, type CleanFileCaseInput } from "./input.ts";
import type { ProcedureDirectory } from "./procedures.ts";

export type RoutedBy = "procedure" | "citizen" | "staff";

export interface Routing {
  agency: string | null;
  routedBy: RoutedBy | null;
}

/** Throws UnknownProcedureError for a well-formed code the catalogue does not hold. */
export function routeCase(input: CleanFileCaseInput, procedures: ProcedureDirectory): Routing {
  if (input.procedureCode !== null) {
    const agencies = procedures.agenciesOf(input.procedureCode);
    if (agencies === undefined) throw new UnknownProcedureError(input.procedureCode);
    const first = agencies.find((a) => a.trim() !== "");
    if (first)
      return {
        agency: [...first.trim()].slice(0, MAX_AGENCY_CHARS).join(""),
        routedBy: "procedure",
      };
  }
  if (input.agency !== null) return { agency: input.agency, routedBy: "citizen" };
  return { agency: null, routedBy: null };
}
