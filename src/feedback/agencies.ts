/**
 * The agencies directory (data/agencies.json) as staff scopes need it: each agency's code and
 * name. The reminders read the same file with their own, stricter schema (levels); this reader
 * keeps the PAKN queue free of the reminders' dependencies (grammY, node-cron).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { DataFileError, issueProblems } from "../errors.ts";
import type { AgencyRef } from "./scope.ts";

export const DEFAULT_AGENCY_DIRECTORY = fileURLToPath(
  new URL("../../data/agencies.json", import.meta.url),
);

const directorySchema = z.object({
  agencies: z.array(z.object({ code: z.string().min(1), name: z.string().min(1) })),
});

export function loadAgencyDirectory(file: string = DEFAULT_AGENCY_DIRECTORY): AgencyRef[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DataFileError(file, [`cannot read or not JSON: ${reason}`], { cause: err });
  }
  const parsed = directorySchema.safeParse(value);
  if (!parsed.success) throw new DataFileError(file, issueProblems(parsed.error.issues));
  return parsed.data.agencies.map(({ code, name }) => ({ code, name }));
}
