/**
 * `feedback report --quarter 2026Q1 --format csv|xlsx [--out FILE]` and
 * `feedback staff-token NAME [--agency CODE]`.
 * csv goes to stdout unless --out is given; xlsx needs a file (default pakn-<quarter>.xlsx).
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { openSqlDatabase, type SqlTarget } from "../db/index.ts";
import { quarterlyReport } from "./report.ts";
import { reportToCsv, reportToXlsx } from "./report-export.ts";
import { newStaffToken, STAFF_SCOPE } from "./staff-auth.ts";
import { MotcuaError } from "../errors.ts";

export const FEEDBACK_USAGE = `  feedback report --quarter 2026Q1 [--format csv|xlsx] [--out FILE] [--db FILE]
                                    PAKN received, handled on time / late, pending, by agency
  feedback staff-token NAME [--agency CODE]
                                    a new staff token and its STAFF_TOKEN_HASHES entry; with
                                    --agency (a code of data/agencies.json) the holder sees only
                                    that agency's cases, without it every case (hotline, admin)`;

export class FeedbackUsageError extends MotcuaError {
  readonly code = "feedback_usage_invalid";
}

export interface FeedbackCommandOptions {
  /** The configured database (SQLite file or PostgreSQL); --db FILE names a SQLite file instead. */
  database: () => SqlTarget;
  now: () => Date;
  out: (line: string) => void;
  writeFile?: (file: string, data: string | Buffer) => void;
}

const STAFF_NAME = /^[\p{L}\p{N}_.@-]{1,64}$/u;

export async function runFeedbackCommand(
  args: readonly string[],
  deps: FeedbackCommandOptions,
): Promise<number> {
  const [sub, ...rest] = args;
  const write = deps.writeFile ?? ((file, data) => writeFileSync(file, data));
  if (sub === "staff-token") {
    const { values, positionals } = parseArgs({
      args: [...rest],
      options: { agency: { type: "string" } },
      allowPositionals: true,
    });
    const name = positionals[0];
    if (!name || !STAFF_NAME.test(name) || positionals.length > 1) {
      throw new FeedbackUsageError("feedback staff-token needs a name (letters, digits, _.@-)");
    }
    const agency = values.agency?.trim().toUpperCase();
    if (agency !== undefined && !STAFF_SCOPE.test(agency)) {
      throw new FeedbackUsageError(
        "--agency must be an agency code of data/agencies.json (A–Z, 0–9, -), or * for every case",
      );
    }
    const t = newStaffToken(name, agency);
    deps.out(`token (give it to ${name}; it is shown once): ${t.token}`);
    deps.out(`add to STAFF_TOKEN_HASHES (comma-separated): ${t.entry}`);
    if (agency && agency !== "*") deps.out(`${name} sees and changes only the cases of ${agency}`);
    return 0;
  }
  if (sub !== "report") {
    throw new FeedbackUsageError(
      `feedback: unknown subcommand ${sub ?? "(none)"}\n${FEEDBACK_USAGE}`,
    );
  }
  const { values } = parseArgs({
    args: [...rest],
    options: {
      quarter: { type: "string" },
      format: { type: "string", default: "csv" },
      out: { type: "string" },
      db: { type: "string" },
    },
  });
  if (!values.quarter) throw new FeedbackUsageError("feedback report needs --quarter, e.g. 2026Q1");
  const format = values.format;
  if (format !== "csv" && format !== "xlsx") {
    throw new FeedbackUsageError("--format must be csv or xlsx");
  }
  const sql = await openSqlDatabase(values.db ? { databaseFile: values.db } : deps.database());
  try {
    const report = await quarterlyReport(sql, values.quarter, deps.now());
    if (format === "csv") {
      const csv = reportToCsv(report);
      if (values.out) {
        write(values.out, csv);
        deps.out(`wrote ${values.out}`);
      } else {
        deps.out(
          csv
            .replace(/^\uFEFF/, "")
            .replace(/\r\n$/, "")
            .replace(/\r\n/g, "\n"),
        );
      }
    } else {
      const file = values.out ?? `pakn-${report.quarter}.xlsx`;
      write(file, await reportToXlsx(report));
      deps.out(`wrote ${file}`);
    }
  } finally {
    await sql.close();
  }
  return 0;
}
