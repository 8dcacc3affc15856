/**
 * Hand-off measures: minutes from escalation to the first staff message and to closing, per
 * officer and per day (Vietnam time), over tickets created in a period.
 */
import type { SqlDatabase, SqlDialect } from "../db/index.ts";

export interface MeasureRow {
  /** The officer's name, or the day (YYYY-MM-DD). */
  key: string;
  tickets: number;
  answered: number;
  closed: number;
  /** Averages in minutes; null without data. */
  avgFirstResponseMin: number | null;
  avgCloseMin: number | null;
  avgRating: number | null;
}

export interface HandoffReport {
  from: string;
  to: string;
  waiting: number;
  assigned: number;
  byOfficer: MeasureRow[];
  byDay: MeasureRow[];
}

/** What the engines spell differently: minutes between two ISO times, the day in Vietnam. */
const DIALECT: Record<SqlDialect, { minutes: (to: string) => string; day: string }> = {
  sqlite: {
    minutes: (to) => `(julianday(${to}) - julianday(created_at)) * 1440`,
    day: `date(created_at, '+7 hours')`,
  },
  postgres: {
    minutes: (to) =>
      `EXTRACT(EPOCH FROM (CAST(${to} AS timestamptz) - CAST(created_at AS timestamptz))) / 60`,
    day: `to_char(CAST(created_at AS timestamptz) AT TIME ZONE 'UTC' + INTERVAL '7 hours', 'YYYY-MM-DD')`,
  },
};

const measures = (d: (typeof DIALECT)[SqlDialect]) => `COUNT(*) AS tickets,
  COUNT(first_response_at) AS answered,
  COUNT(closed_at) AS closed,
  AVG(${d.minutes("first_response_at")}) AS "avgFirstResponseMin",
  AVG(${d.minutes("closed_at")}) AS "avgCloseMin",
  AVG(rating) AS "avgRating"`;

const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

/** Tickets created in [from, to). */
export async function handoffReport(
  sql: SqlDatabase,
  from: Date,
  to: Date,
): Promise<HandoffReport> {
  const range = [from.toISOString(), to.toISOString()];
  const d = DIALECT[sql.dialect];
  // Sorted here, not by the engine: PostgreSQL's collation would order names otherwise.
  const rows = async (text: string) =>
    (await sql.all<MeasureRow>(text, range))
      .map((r) => ({
        ...r,
        avgFirstResponseMin: round(r.avgFirstResponseMin),
        avgCloseMin: round(r.avgCloseMin),
        avgRating: round(r.avgRating),
      }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const where = `WHERE created_at >= ? AND created_at < ?`;
  const counts = await sql.all<{ status: string; n: number }>(
    `SELECT status, COUNT(*) AS n FROM handoff_tickets WHERE status <> 'closed' GROUP BY status`,
  );
  const count = (status: string) => counts.find((c) => c.status === status)?.n ?? 0;
  return {
    from: range[0]!,
    to: range[1]!,
    waiting: count("waiting"),
    assigned: count("assigned"),
    byOfficer: await rows(
      `SELECT COALESCE(assignee_name, assignee, '(chưa nhận)') AS key, ${measures(d)}
       FROM handoff_tickets ${where} GROUP BY 1`,
    ),
    byDay: await rows(
      `SELECT ${d.day} AS key, ${measures(d)}
       FROM handoff_tickets ${where} GROUP BY 1`,
    ),
  };
}

/** The report as text for the CLI. */
export function formatHandoffReport(r: HandoffReport): string {
  const n = (x: number | null) => (x === null ? "–" : String(x));
  const table = (title: string, rows: MeasureRow[]) => [
    title,
    "  phiếu  đã trả lời  đã đóng  phản hồi đầu (phút)  đóng (phút)  đánh giá  cán bộ / ngày",
    ...rows.map(
      (x) =>
        `  ${String(x.tickets).padStart(5)}  ${String(x.answered).padStart(10)}  ${String(x.closed).padStart(7)}  ${n(x.avgFirstResponseMin).padStart(19)}  ${n(x.avgCloseMin).padStart(11)}  ${n(x.avgRating).padStart(8)}  ${x.key}`,
    ),
    ...(rows.length === 0 ? ["  (không có phiếu)"] : []),
  ];
  return [
    `Hand-off ${r.from.slice(0, 10)} – ${r.to.slice(0, 10)}: ${r.waiting} đang chờ, ${r.assigned} đang xử lý`,
    ...table("Theo cán bộ:", r.byOfficer),
    ...table("Theo ngày:", r.byDay),
  ].join("\n");
}
