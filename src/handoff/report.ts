/**
 * Hand-off measures: minutes from escalation to the first staff message and to closing, per
 * officer and per day (Vietnam time), over tickets created in a period.
 */
import type { Database } from "../db/index.ts";

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

const measures = `COUNT(*) AS tickets,
  COUNT(first_response_at) AS answered,
  COUNT(closed_at) AS closed,
  AVG((julianday(first_response_at) - julianday(created_at)) * 1440) AS avgFirstResponseMin,
  AVG((julianday(closed_at) - julianday(created_at)) * 1440) AS avgCloseMin,
  AVG(rating) AS avgRating`;

const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

/** Tickets created in [from, to). */
export function handoffReport(db: Database, from: Date, to: Date): HandoffReport {
  const range = [from.toISOString(), to.toISOString()];
  const rows = (sql: string) =>
    db
      .prepare<string[], MeasureRow>(sql)
      .all(...range)
      .map((r) => ({
        ...r,
        avgFirstResponseMin: round(r.avgFirstResponseMin),
        avgCloseMin: round(r.avgCloseMin),
        avgRating: round(r.avgRating),
      }));
  const where = `WHERE created_at >= ? AND created_at < ?`;
  const count = (status: string) =>
    db
      .prepare<[string], { n: number }>(
        `SELECT COUNT(*) AS n FROM handoff_tickets WHERE status = ?`,
      )
      .get(status)!.n;
  return {
    from: range[0]!,
    to: range[1]!,
    waiting: count("waiting"),
    assigned: count("assigned"),
    byOfficer: rows(
      `SELECT COALESCE(assignee_name, assignee, '(chưa nhận)') AS key, ${measures}
       FROM handoff_tickets ${where} GROUP BY key ORDER BY key`,
    ),
    byDay: rows(
      `SELECT date(created_at, '+7 hours') AS key, ${measures}
       FROM handoff_tickets ${where} GROUP BY key ORDER BY key`,
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
