/**
 * Quarterly PAKN figures for the TTHC-control report, by agency: received in the quarter, handled
 * in it on time or late (answered or rejected; rejections also counted apart), and what was still
 * pending at its end (or now, for the current quarter), within the deadline or overdue.
 *
 * `periodReport` is the query over any period (the staff dashboard's date ranges);
 * `quarterlyReport` is it over a quarter. The CLI, the CSV/XLSX downloads and the dashboard all
 * read these functions, on either engine, so their figures agree.
 */
import { addDays, isIsoDate, startOfLocalDay, type IsoDate } from "../calendar/index.ts";
import type { SqlExecutor, SqlValue } from "../db/index.ts";
import { FeedbackInputError } from "./errors.ts";

export interface Quarter {
  label: string;
  year: number;
  quarter: 1 | 2 | 3 | 4;
  /** First instant of the quarter in Vietnam. */
  from: Date;
  /** First instant after it. */
  to: Date;
}

export function parseQuarter(label: string): Quarter {
  const m = /^(\d{4})-?Q([1-4])$/i.exec(label.trim());
  if (!m)
    throw new FeedbackInputError("invalid_quarter", "quarter", "quarter must look like 2026Q1");
  const year = Number(m[1]);
  const q = Number(m[2]) as 1 | 2 | 3 | 4;
  const month = (n: number) => String(n).padStart(2, "0");
  const from = startOfLocalDay(`${year}-${month(3 * q - 2)}-01`);
  const to =
    q === 4
      ? startOfLocalDay(`${year + 1}-01-01`)
      : startOfLocalDay(`${year}-${month(3 * q + 1)}-01`);
  return { label: `${year}Q${q}`, year, quarter: q, from, to };
}

/** A period of whole Vietnamese days: [from, to). */
export interface ReportPeriod {
  label: string;
  from: Date;
  to: Date;
}

/** The days `first` … `last` (both included), as a period labelled "2026-01-01…2026-03-31". */
export function parseDateRange(first: IsoDate, last: IsoDate): ReportPeriod {
  if (!isIsoDate(first) || !isIsoDate(last)) {
    throw new FeedbackInputError("invalid_period", "from", "dates must look like 2026-01-31");
  }
  if (last < first) {
    throw new FeedbackInputError("invalid_period", "to", "the period ends before it starts");
  }
  const from = startOfLocalDay(first);
  const to = startOfLocalDay(addDays(last, 1));
  if (to.getTime() - from.getTime() > 3 * 366 * 86_400_000) {
    throw new FeedbackInputError("invalid_period", "to", "a period is at most three years");
  }
  return { label: `${first}…${last}`, from, to };
}

export interface ReportRow {
  /** "" for cases not yet routed to an agency. */
  agency: string;
  received: number;
  handledOnTime: number;
  handledLate: number;
  /** Among the handled: not accepted for handling. */
  rejected: number;
  pendingOnTime: number;
  pendingOverdue: number;
}

export interface QuarterlyReport {
  quarter: string;
  from: string;
  to: string;
  /** The figures are as of this instant (the quarter's end, or now if earlier). */
  asOf: string;
  rows: ReportRow[];
  total: ReportRow;
}

export function quarterlyReport(
  db: SqlExecutor,
  quarterLabel: string,
  now: Date,
): Promise<QuarterlyReport> {
  return periodReport(db, parseQuarter(quarterLabel), now);
}

/** The report's total row over some of its rows (the whole report, or a staff scope's rows). */
export function totalOf(rows: readonly ReportRow[]): ReportRow {
  const total: ReportRow = {
    agency: "Tổng cộng",
    received: 0,
    handledOnTime: 0,
    handledLate: 0,
    rejected: 0,
    pendingOnTime: 0,
    pendingOverdue: 0,
  };
  for (const r of rows) {
    total.received += r.received;
    total.handledOnTime += r.handledOnTime;
    total.handledLate += r.handledLate;
    total.rejected += r.rejected;
    total.pendingOnTime += r.pendingOnTime;
    total.pendingOverdue += r.pendingOverdue;
  }
  return total;
}

/** The rows an agency scope covers ("" is the unassigned row), with their own total. */
export function reportWithin(
  report: QuarterlyReport,
  covers: (agency: string | null) => boolean,
): QuarterlyReport {
  const rows = report.rows.filter((r) => covers(r.agency === "" ? null : r.agency));
  return { ...report, rows, total: totalOf(rows) };
}

const sum = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;

/**
 * The report's query, for both engines: from, end, in that order, as often as they appear
 * (PostgreSQL has no named parameters). Rows are sorted in TypeScript, the same on both.
 */
const REPORT_SQL = `SELECT COALESCE(agency, '') AS agency,
     ${sum("received_at >= ? AND received_at < ?")} AS received,
     ${sum("handled_at >= ? AND handled_at < ? AND handled_at <= due_at")} AS "handledOnTime",
     ${sum("handled_at >= ? AND handled_at < ? AND handled_at > due_at")} AS "handledLate",
     ${sum("handled_at >= ? AND handled_at < ? AND status = 'rejected'")} AS rejected,
     ${sum("(handled_at IS NULL OR handled_at >= ?) AND due_at >= ?")} AS "pendingOnTime",
     ${sum("(handled_at IS NULL OR handled_at >= ?) AND due_at < ?")} AS "pendingOverdue"
   FROM feedback_cases
   WHERE received_at < ? AND (handled_at IS NULL OR handled_at >= ?)
   GROUP BY COALESCE(agency, '')`;

/** The period's bounds: from its start to its end, or now if earlier. */
function reportBounds(q: ReportPeriod, now: Date): { from: string; asOf: string } {
  const end = new Date(Math.min(q.to.getTime(), Math.max(now.getTime(), q.from.getTime())));
  return { from: q.from.toISOString(), asOf: end.toISOString() };
}

function reportQuery(q: ReportPeriod, now: Date): { sql: string; params: SqlValue[] } {
  const { from, asOf: end } = reportBounds(q, now);
  const params = [from, end, from, end, from, end, from, end, end, end, end, end, end, from];
  return { sql: REPORT_SQL, params };
}

type RawReportRow = { [K in keyof ReportRow]: K extends "agency" ? string : number | null };

function reportOf(q: ReportPeriod, now: Date, raw: readonly RawReportRow[]): QuarterlyReport {
  const { from, asOf } = reportBounds(q, now);
  const rows = raw
    .map((r) => ({
      agency: r.agency,
      received: Number(r.received ?? 0),
      handledOnTime: Number(r.handledOnTime ?? 0),
      handledLate: Number(r.handledLate ?? 0),
      rejected: Number(r.rejected ?? 0),
      pendingOnTime: Number(r.pendingOnTime ?? 0),
      pendingOverdue: Number(r.pendingOverdue ?? 0),
    }))
    .sort((a, b) =>
      a.received !== b.received ? b.received - a.received : a.agency < b.agency ? -1 : 1,
    );
  return { quarter: q.label, from, to: q.to.toISOString(), asOf, rows, total: totalOf(rows) };
}

export async function periodReport(
  db: SqlExecutor,
  q: ReportPeriod,
  now: Date,
): Promise<QuarterlyReport> {
  const { sql, params } = reportQuery(q, now);
  return reportOf(q, now, await db.all<RawReportRow>(sql, params));
}
