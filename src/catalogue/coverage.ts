import type { Procedure } from "./types.ts";

export type SourceName = Procedure["source"];

/** A record, or one field of it, that the importer could not parse. */
export interface ImportFailure {
  /** Procedure code, or "line N" when the line has none. */
  code: string;
  field: string;
  reason: string;
}

export const COVERED_FIELDS = ["documents", "time", "fee", "legalBasis", "steps"] as const;
export type CoveredField = (typeof COVERED_FIELDS)[number];

export interface SourceCounts {
  /** Lines read from the source file. */
  read: number;
  /** Records written to the catalogue. */
  kept: number;
  /** Lines that were not JSON, failed validation or repeated a code. */
  rejected: number;
}

export interface CoverageReport {
  /** Records kept, all sources. */
  total: number;
  sources: Record<SourceName, SourceCounts>;
  /** How many kept records have the field parsed, and the share of `total` (0–1). */
  coverage: Record<CoveredField, { count: number; share: number }>;
  /** Failures per field name. */
  failuresByField: Record<string, number>;
}

/** True when the record has something parsed for the field. */
export function hasField(procedure: Procedure, field: CoveredField): boolean {
  switch (field) {
    case "documents":
      return procedure.documents.length > 0;
    case "time":
      return procedure.methods.some((m) => m.time !== null);
    case "fee":
      return procedure.methods.some((m) => m.fee !== null);
    case "legalBasis":
      return procedure.legalBasis.length > 0;
    case "steps":
      return procedure.steps.length > 0;
  }
}

export function computeCoverage(
  records: readonly Procedure[],
  sources: Record<SourceName, SourceCounts>,
  failures: readonly ImportFailure[],
): CoverageReport {
  const total = records.length;
  const coverage = {} as CoverageReport["coverage"];
  for (const field of COVERED_FIELDS) {
    const count = records.filter((r) => hasField(r, field)).length;
    coverage[field] = { count, share: total === 0 ? 0 : count / total };
  }
  const failuresByField: Record<string, number> = {};
  for (const f of failures) failuresByField[f.field] = (failuresByField[f.field] ?? 0) + 1;
  return { total, sources, coverage, failuresByField };
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** The report as lines of text: coverage, counts per source, then every failure by field. */
export function formatCoverageReport(result: {
  report: CoverageReport;
  failures: readonly ImportFailure[];
}): string {
  const { report, failures } = result;
  const lines = [`Catalogue: ${report.total} procedures`, "", "Parsed fields (share of records):"];
  for (const field of COVERED_FIELDS) {
    const { count, share } = report.coverage[field];
    lines.push(`  ${field.padEnd(11)} ${percent(share).padStart(6)}  (${count}/${report.total})`);
  }
  lines.push("", "Sources:");
  for (const [name, c] of Object.entries(report.sources)) {
    lines.push(`  ${name}: read ${c.read}, kept ${c.kept}, rejected ${c.rejected}`);
  }
  lines.push("", `Could not parse (${failures.length}):`);
  if (failures.length === 0) lines.push("  none");
  const fields = [...new Set(failures.map((f) => f.field))].sort();
  for (const field of fields) {
    const list = failures.filter((f) => f.field === field);
    lines.push(`  ${field} (${list.length}):`);
    for (const f of list) lines.push(`    ${f.code}: ${f.reason}`);
  }
  return lines.join("\n");
}
