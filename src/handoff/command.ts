/** `handoff report [--days N] [--db FILE] [--json]`: the hand-off measures of the last N days. */
import { parseArgs } from "node:util";
import { openSqlDatabase, type SqlTarget } from "../db/index.ts";
import { formatHandoffReport, handoffReport } from "./report.ts";

export const HANDOFF_USAGE = `  handoff report [--days 7] [--json] time to first response and to close, per officer and day`;

export async function runHandoffCommand(
  argv: readonly string[],
  deps: { database: () => SqlTarget; now?: () => Date; out: (line: string) => void },
): Promise<number> {
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
  const sql = await openSqlDatabase(values.db ? { databaseFile: values.db } : deps.database());
  try {
    const to = (deps.now ?? (() => new Date()))();
    const report = await handoffReport(sql, new Date(to.getTime() - days * 86_400_000), to);
    deps.out(values.json ? JSON.stringify(report) : formatHandoffReport(report));
    return 0;
  } finally {
    await sql.close();
  }
}
