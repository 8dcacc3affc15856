/** `handoff report [--days N] [--db FILE] [--json]`: the hand-off measures of the last N days. */
import { parseArgs } from "node:util";
import { openDatabase } from "../db/index.ts";
import { formatHandoffReport, handoffReport } from "./report.ts";

export const HANDOFF_USAGE = `  handoff report [--days 7] [--json] time to first response and to close, per officer and day`;

export function runHandoffCommand(
  argv: readonly string[],
  deps: { databaseFile: () => string; now?: () => Date; out: (line: string) => void },
): number {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      days: { type: "string", default: "7" },
      db: { type: "string" },
      json: { type: "boolean", default: false },
    },
    allowPositionals: true,
  });
  const days = Number(values.days);
  if (positionals[0] !== "report" || !Number.isInteger(days) || days < 1 || days > 3660) {
    deps.out(`usage:\n${HANDOFF_USAGE}`);
    return 2;
  }
  const db = openDatabase(values.db ?? deps.databaseFile());
  try {
    const to = (deps.now ?? (() => new Date()))();
    const report = handoffReport(db, new Date(to.getTime() - days * 86_400_000), to);
    deps.out(values.json ? JSON.stringify(report) : formatHandoffReport(report));
    return 0;
  } finally {
    db.close();
  }
}
