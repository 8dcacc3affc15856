/**
 * The staff dashboard's figures over a period, per agency and for the province (or one scope):
 *
 * - the report's own columns, from `periodReport` (the very rows `cli feedback report` and the
 *   CSV/XLSX downloads show for a quarter);
 * - per agency, measures the report does not have: handled cases (on time + late), the on-time
 *   rate, the median working days from receipt to handling and, for late ones, past the due date,
 *   open cases overdue now, and 7-day update compliance;
 * - province-wide: 👍/👎 on the bot's answers.
 *
 * 7-day compliance: every update staff give the citizen on an open case past its due time (a
 * progress note, or a move between open statuses) counts as an update made; every "still being
 * handled" notice the progress sweep had to send (src/feedback/progress.ts: no update within the
 * period) counts as one missed. Compliance = made / (made + missed), over history in the period.
 */
import { localDate, type Calendar } from "../calendar/index.ts";
import type { SqlExecutor } from "../db/index.ts";
import { periodReport, reportWithin, type QuarterlyReport, type ReportPeriod } from "./report.ts";
import type { CaseScope } from "./scope.ts";
import { OPEN_STATUSES } from "./status.ts";

export interface AgencyMeasures {
  /** As in the report: "" for unassigned; "Tổng cộng" for the total row. */
  agency: string;
  received: number;
  /** Answered or rejected in the period (handledOnTime + handledLate of the report). */
  handled: number;
  handledOnTime: number;
  handledLate: number;
  /** handledOnTime / handled, in per cent (one decimal); null when nothing was handled. */
  onTimeRate: number | null;
  /** Median working days from receipt to handling, over the cases handled in the period. */
  medianWorkingDaysToHandle: number | null;
  /** Median working days past the due date, over the cases handled late. */
  medianWorkingDaysLate: number | null;
  /** Open cases past their due time at this moment (not at the period's end). */
  overdueNow: number;
  progressUpdates: number;
  progressMissed: number;
  /** progressUpdates / (progressUpdates + progressMissed), per cent; null when none was owed. */
  progressCompliance: number | null;
}

export interface Dashboard {
  period: { label: string; from: string; to: string; asOf: string };
  /** "*" or the agency the figures are limited to. */
  scope: string;
  /** The report's rows and total for the period and scope. */
  report: QuarterlyReport;
  agencies: AgencyMeasures[];
  total: AgencyMeasures;
  /** Province-wide ratings of the bot's answers; null for an agency scope. */
  ratings: { up: number; down: number; upShare: number | null } | null;
}

const percent = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 1000) / 10;

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const open = OPEN_STATUSES.map((s) => `'${s}'`).join(", ");

const sum = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;

/** The dashboard's queries, for both engines; their parameters are listed beside each. */
const DASHBOARD_SQL = {
  /** from, end */
  handled: `SELECT COALESCE(agency, '') AS agency, received_at, handled_at, due_at FROM feedback_cases
     WHERE handled_at >= ? AND handled_at < ?`,
  /** now */
  overdue: `SELECT COALESCE(agency, '') AS agency, COUNT(*) AS n FROM feedback_cases
     WHERE status IN (${open}) AND due_at < ? GROUP BY COALESCE(agency, '')`,
  /** from, end */
  progress: `SELECT COALESCE(c.agency, '') AS agency,
       ${sum(`h.actor LIKE 'staff:%' AND h.at > c.due_at AND h.from_status IN (${open})
           AND h.to_status IN (${open})`)} AS made,
       ${sum("h.actor = 'system' AND h.action = 'progress'")} AS missed
     FROM feedback_history h JOIN feedback_cases c ON c.id = h.case_id
     WHERE h.at >= ? AND h.at < ? AND h.action IN ('progress', 'status')
     GROUP BY COALESCE(c.agency, '')`,
  /** from, end */
  ratings: `SELECT ${sum("rating = 1")} AS up, ${sum("rating = -1")} AS down FROM answer_ratings
     WHERE rated_at >= ? AND rated_at < ?`,
} as const;

interface DashboardRows {
  handled: { agency: string; received_at: string; handled_at: string; due_at: string }[];
  overdue: { agency: string; n: number }[];
  progress: { agency: string; made: number | null; missed: number | null }[];
  ratings: { up: number | null; down: number | null } | undefined;
}

type DashboardScope = Pick<CaseScope, "all" | "covers" | "spec">;

/** Runs the dashboard's queries (either engine). */
async function fetchRows(
  db: SqlExecutor,
  report: QuarterlyReport,
  now: Date,
  scope: DashboardScope,
): Promise<DashboardRows> {
  const period = [report.from, report.asOf];
  return {
    handled: await db.all<DashboardRows["handled"][number]>(DASHBOARD_SQL.handled, period),
    overdue: await db.all<DashboardRows["overdue"][number]>(DASHBOARD_SQL.overdue, [
      now.toISOString(),
    ]),
    progress: await db.all<DashboardRows["progress"][number]>(DASHBOARD_SQL.progress, period),
    ratings: scope.all
      ? await db.get<NonNullable<DashboardRows["ratings"]>>(DASHBOARD_SQL.ratings, period)
      : undefined,
  };
}

/** The dashboard's figures (src/feedback/sql-store.ts runs it on its database). */
export async function dashboard(
  db: SqlExecutor,
  calendar: Pick<Calendar, "countWorkingDays">,
  period: ReportPeriod,
  now: Date,
  scope: DashboardScope,
): Promise<Dashboard> {
  const report = reportWithin(await periodReport(db, period, now), scope.covers);
  const rows = await fetchRows(db, report, now, scope);
  return assemble(calendar, report, rows, scope);
}

function assemble(
  calendar: Pick<Calendar, "countWorkingDays">,
  report: QuarterlyReport,
  rows: DashboardRows,
  scope: DashboardScope,
): Dashboard {
  const inScope = (agency: string) => scope.covers(agency === "" ? null : agency);
  const handled = rows.handled.filter((r) => inScope(r.agency));
  const overdue = rows.overdue.filter((r) => inScope(r.agency));
  const progress = rows.progress.filter((r) => inScope(r.agency));

  type Acc = {
    toHandle: number[];
    late: number[];
    overdueNow: number;
    made: number;
    missed: number;
  };
  const acc = new Map<string, Acc>();
  const of = (agency: string) => {
    let a = acc.get(agency);
    if (!a) {
      a = { toHandle: [], late: [], overdueNow: 0, made: 0, missed: 0 };
      acc.set(agency, a);
    }
    return a;
  };
  const all: Acc = { toHandle: [], late: [], overdueNow: 0, made: 0, missed: 0 };
  for (const r of handled) {
    const days = calendar.countWorkingDays(
      localDate(new Date(r.received_at)),
      localDate(new Date(r.handled_at)),
    );
    of(r.agency).toHandle.push(days);
    all.toHandle.push(days);
    if (r.handled_at > r.due_at) {
      const late = calendar.countWorkingDays(
        localDate(new Date(r.due_at)),
        localDate(new Date(r.handled_at)),
      );
      of(r.agency).late.push(late);
      all.late.push(late);
    }
  }
  for (const r of overdue) {
    of(r.agency).overdueNow += Number(r.n);
    all.overdueNow += Number(r.n);
  }
  for (const r of progress) {
    of(r.agency).made += Number(r.made ?? 0);
    of(r.agency).missed += Number(r.missed ?? 0);
    all.made += Number(r.made ?? 0);
    all.missed += Number(r.missed ?? 0);
  }

  const measures = (
    agency: string,
    row: { received: number; handledOnTime: number; handledLate: number } | undefined,
    a: Acc | undefined,
  ): AgencyMeasures => {
    const onTime = row?.handledOnTime ?? 0;
    const late = row?.handledLate ?? 0;
    const made = a?.made ?? 0;
    const missed = a?.missed ?? 0;
    return {
      agency,
      received: row?.received ?? 0,
      handled: onTime + late,
      handledOnTime: onTime,
      handledLate: late,
      onTimeRate: percent(onTime, onTime + late),
      medianWorkingDaysToHandle: median(a?.toHandle ?? []),
      medianWorkingDaysLate: median(a?.late ?? []),
      overdueNow: a?.overdueNow ?? 0,
      progressUpdates: made,
      progressMissed: missed,
      progressCompliance: percent(made, made + missed),
    };
  };

  const agencies = report.rows.map((r) => measures(r.agency, r, acc.get(r.agency)));
  // Agencies with figures "now" but nothing in the period's report (a case filed after it).
  for (const [agency, a] of acc) {
    if (!report.rows.some((r) => r.agency === agency)) {
      agencies.push(measures(agency, undefined, a));
    }
  }

  let ratings: Dashboard["ratings"] = null;
  if (scope.all) {
    const up = Number(rows.ratings?.up ?? 0);
    const down = Number(rows.ratings?.down ?? 0);
    ratings = { up, down, upShare: percent(up, up + down) };
  }

  return {
    period: { label: report.quarter, from: report.from, to: report.to, asOf: report.asOf },
    scope: scope.spec,
    report,
    agencies,
    total: measures(report.total.agency, report.total, all),
    ratings,
  };
}
