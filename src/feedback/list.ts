/**
 * The staff list: filter by status, agency, unassigned, overdue; ordered by due time (most urgent
 * first) with keyset pagination, so page 500 costs what page 1 does.
 */
import type { Statement } from "better-sqlite3";
import type { Database } from "../db/database.ts";
import { FeedbackInputError } from "./errors.ts";
import { OPEN_STATUSES, type Status } from "./status.ts";
import type { CaseRow } from "./store.ts";
import { staffSummary, type StaffCaseSummary } from "./views.ts";

export interface ListFilter {
  statuses?: readonly Status[];
  agency?: string;
  /** Only cases with no agency yet. */
  unassigned?: boolean;
  /** Only open cases past their due time. */
  overdue?: boolean;
  /** 1–200, default 50. */
  limit?: number;
  /** From the previous page's nextCursor. */
  cursor?: string;
}

export interface CaseList {
  items: StaffCaseSummary[];
  nextCursor: string | null;
}

export const MAX_LIST_LIMIT = 200;

function encodeCursor(row: CaseRow): string {
  return Buffer.from(`${row.due_at}|${row.id}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): [string, number] {
  const [due, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (!due || !/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(due) || !id || !/^\d{1,15}$/.test(id)) {
    throw new FeedbackInputError("invalid_cursor", "cursor", "cursor is not one this server gave");
  }
  return [due, Number(id)];
}

export function createCaseLister(db: Database, now: () => Date): (filter: ListFilter) => CaseList {
  const cache = new Map<string, Statement<(string | number)[], CaseRow>>();
  const prepare = (sql: string) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = db.prepare<(string | number)[], CaseRow>(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  };

  return (filter) => {
    const limit = filter.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new FeedbackInputError("invalid_field", "limit", `limit must be 1–${MAX_LIST_LIMIT}`);
    }
    const at = now();
    const where: string[] = [];
    const params: (string | number)[] = [];
    let statuses = filter.statuses && filter.statuses.length > 0 ? [...filter.statuses] : null;
    if (filter.overdue) {
      statuses = (statuses ?? [...OPEN_STATUSES]).filter((x) => OPEN_STATUSES.includes(x));
      if (statuses.length === 0) return { items: [], nextCursor: null };
      where.push("due_at < ?");
      params.push(at.toISOString());
    }
    if (statuses) {
      where.push(`status IN (${statuses.map(() => "?").join(", ")})`);
      params.push(...statuses);
    }
    if (filter.agency !== undefined) {
      where.push("agency = ?");
      params.push(filter.agency);
    } else if (filter.unassigned) {
      where.push("agency IS NULL");
    }
    if (filter.cursor !== undefined) {
      where.push("(due_at, id) > (?, ?)");
      params.push(...decodeCursor(filter.cursor));
    }
    const sql =
      `SELECT * FROM feedback_cases${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ` +
      `ORDER BY due_at, id LIMIT ?`;
    const rows = prepare(sql).all(...params, limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => staffSummary(r, at)),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null,
    };
  };
}
