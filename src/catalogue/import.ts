import { existsSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { procedureSchema, type Procedure } from "./types.ts";
import {
  computeCoverage,
  type CoverageReport,
  type ImportFailure,
  type SourceCounts,
  type SourceName,
} from "./coverage.ts";
import { CatalogueSourceError } from "./errors.ts";
import { readJsonLines } from "./jsonl.ts";
import { BQP_FILE, BQP_SOURCE, bqpRawSchema, mapBqpRecord } from "./source-bqp.ts";
import { DVC_FILE, DVC_SOURCE, dvcRawSchema, mapDvcRecord } from "./source-dvc.ts";

export { formatCoverageReport } from "./coverage.ts";
export type { CoverageReport, ImportFailure } from "./coverage.ts";

export interface ImportResult {
  /** Valid procedures, one per code, sorted by code. */
  records: Procedure[];
  report: CoverageReport;
  failures: ImportFailure[];
}

interface Source<Raw> {
  name: SourceName;
  file: string;
  schema: z.ZodType<Raw>;
  map: (raw: Raw) => { procedure: Procedure; failures: ImportFailure[] };
}

const SOURCES = [
  { name: DVC_SOURCE, file: DVC_FILE, schema: dvcRawSchema, map: mapDvcRecord },
  { name: BQP_SOURCE, file: BQP_FILE, schema: bqpRawSchema, map: mapBqpRecord },
] as const;

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join(".") || "record"}: ${i.message}`);
}

function readSource<Raw>(
  rawDir: string,
  source: Source<Raw>,
  byCode: Map<string, Procedure>,
  failures: ImportFailure[],
): SourceCounts {
  const file = join(rawDir, source.file);
  if (!existsSync(file)) throw new CatalogueSourceError(source.name, file, "file not found");
  const counts: SourceCounts = { read: 0, kept: 0, rejected: 0 };
  for (const { line, text } of readJsonLines(file)) {
    counts.read++;
    const where = `${source.name} line ${line}`;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      counts.rejected++;
      failures.push({ code: where, field: "record", reason: `not JSON: ${String(error)}` });
      continue;
    }
    const raw = source.schema.safeParse(json);
    if (!raw.success) {
      counts.rejected++;
      const code = (json as { ma_thu_tuc?: unknown } | null)?.ma_thu_tuc;
      failures.push({
        code: typeof code === "string" ? code : where,
        field: "record",
        reason: `raw record does not match the source's shape: ${issuesOf(raw.error).join("; ")}`,
      });
      continue;
    }
    const mapped = source.map(raw.data);
    const valid = procedureSchema.safeParse(mapped.procedure);
    if (!valid.success) {
      counts.rejected++;
      for (const issue of valid.error.issues) {
        failures.push({
          code: mapped.procedure.code || where,
          field: issue.path.join(".") || "record",
          reason: `invalid, not written: ${issue.message}`,
        });
      }
      continue;
    }
    if (byCode.has(valid.data.code)) {
      counts.rejected++;
      failures.push({
        code: valid.data.code,
        field: "code",
        reason: `duplicate code, first record kept (${byCode.get(valid.data.code)?.source})`,
      });
      continue;
    }
    byCode.set(valid.data.code, valid.data);
    failures.push(...mapped.failures);
    counts.kept++;
  }
  return counts;
}

/**
 * Reads the raw sources under `rawDir` (dvc-ministry-tthc/procedures.jsonl.gz and
 * bqp-structured-tthc/procedures_bqp.jsonl.gz), parses them into Procedures, validates each with
 * procedureSchema and keeps one per code. Records that fail validation are reported, not kept.
 */
export function importCatalogue({ rawDir }: { rawDir: string }): ImportResult {
  const byCode = new Map<string, Procedure>();
  const failures: ImportFailure[] = [];
  const sources = {} as Record<SourceName, SourceCounts>;
  for (const source of SOURCES) {
    sources[source.name] = readSource(rawDir, source as Source<unknown>, byCode, failures);
  }
  const records = [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
  return { records, report: computeCoverage(records, sources, failures), failures };
}
