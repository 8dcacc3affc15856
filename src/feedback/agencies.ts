/**
 * The agencies directory (data/agencies.json) as staff scopes need it: each agency's code and
 * name. The reminders read the same file with their own, stricter schema (levels); this reader
 * keeps the PAKN store free of the reminders' dependencies (grammY, node-cron).
 */
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { loadRuleFile } from "../rule-file.ts";
import type { AgencyRef } from "./scope.ts";

export const DEFAULT_AGENCY_DIRECTORY = fileURLToPath(
  new URL("../../data/agencies.json", import.meta.url),
);

const directorySchema = z.object({
  agencies: z.array(z.object({ code: z.string().min(1), name: z.string().min(1) })),
});

export function loadAgencyDirectory(file: string = DEFAULT_AGENCY_DIRECTORY): AgencyRef[] {
  return loadRuleFile(file, directorySchema).agencies.map(({ code, name }) => ({ code, name }));
}
