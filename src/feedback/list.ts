/**
 * The staff list: filter by status, agency, unassigned, overdue, due by a time, a 7-day update
 * owed, text; ordered by due time (most urgent first) with keyset pagination, so page 500 costs
 * what page 1 does. A staff member's scope (src/feedback/scope.ts) arrives as `agencyIn`.
 */
import type { SqlExecutor, SqlValue } from "../db/index.ts";
import { foldAccents } from "../text/index.ts";
import { FeedbackInputError } from "./errors.ts";
import { MAX_AGENCY_CHARS } from "./input.ts";
import { OPEN_STATUSES, STATUSES, type Status } from "./status.ts";
import type { CaseRow } from "./store.ts";
import { staffSummary, type StaffCaseSummary } from "./views.ts";

export interface ListFilter {
  statuses?: readonly Status[];
  agency?: string;
  /** Only cases with no agency yet. */
  unassigned?: boolean;
  /** Only open cases past their due time. */
  overdue?: boolean;
  /** Only cases whose agency is one of these (a staff scope); an empty list matches nothing. */
  agencyIn?: readonly string[];
  /** Only open cases not yet overdue and due at or before this instant (ISO 8601). */
  dueBy?: string;
  /** Only open cases that owe the citizen a 7-day progress update now. */
  progressDue?: boolean;
  /** Words in the text (accents and case ignored) or the reference. */
  search?: string;
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

/** The SQL condition of a filter (without cursor), or null when it can match nothing. */
function conditions(
  filter: ListFilter,
  at: Date,
): { where: string[]; params: (string | number)[] } | null {
  const where: string[] = [];
  const params: (string | number)[] = [];
  let statuses = filter.statuses && filter.statuses.length > 0 ? [...filter.statuses] : null;
  const openOnly = filter.overdue || filter.dueBy !== undefined || filter.progressDue;
  if (openOnly) {
    statuses = (statuses ?? [...OPEN_STATUSES]).filter((x) => OPEN_STATUSES.includes(x));
    if (statuses.length === 0) return null;
  }
  if (filter.overdue) {
    where.push("due_at < ?");
    params.push(at.toISOString());
  }
  if (filter.dueBy !== undefined) {
    if (!/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(filter.dueBy)) {
      throw new FeedbackInputError("invalid_field", "dueBy", "dueBy must be an ISO instant");
    }
    where.push("due_at >= ? AND due_at <= ?");
    params.push(at.toISOString(), filter.dueBy);
  }
  if (filter.progressDue) {
    where.push("next_progress_at IS NOT NULL AND next_progress_at <= ?");
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
  if (filter.agencyIn !== undefined) {
    if (filter.agencyIn.length === 0) return null;
    where.push(`agency IN (${filter.agencyIn.map(() => "?").join(", ")})`);
    params.push(...filter.agencyIn);
  }
  const search = filter.search?.normalize("NFC").trim() ?? "";
  if (search !== "") {
    if ([...search].length > MAX_AGENCY_CHARS) {
      throw new FeedbackInputError("search_too_long", "search", "search is too long");
    }
    // Folded on both sides; LIKE's own wildcards in what was typed are taken literally.
    const pattern = `%${foldAccents(search).replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    where.push(`(ref = ? OR motcua_fold(text) LIKE ? ESCAPE '\\')`);
    params.push(search.toUpperCase(), pattern);
  }
  return { where, params };
}

export type CaseCounts = {
  /** Cases in the scope, whatever their status. */
  all: number;
  byStatus: Record<Status, number>;
  open: number;
  overdue: number;
  /** Open, not overdue, due by the `dueSoonBy` instant. */
  dueSoon: number;
  unassigned: number;
  progressDue: number;
};

const OPEN = OPEN_STATUSES.map((x) => `'${x}'`).join(", ");

/** The page's query (one row more than the limit, to know if there is a next page). */
function listQuery(filter: ListFilter, at: Date): { sql: string; params: SqlValue[] } | null {
  const limit = filter.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new FeedbackInputError("invalid_field", "limit", `limit must be 1–${MAX_LIST_LIMIT}`);
  }
  const cond = conditions(filter, at);
  if (!cond) return null;
  const { where, params } = cond;
  if (filter.cursor !== undefined) {
    where.push("(due_at, id) > (?, ?)");
    params.push(...decodeCursor(filter.cursor));
  }
  const sql =
    `SELECT * FROM feedback_cases${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ` +
    `ORDER BY due_at, id LIMIT ?`;
  return { sql, params: [...params, limit + 1] };
}

/** The page from the rows the query gave. */
function pageOf(filter: ListFilter, rows: CaseRow[], at: Date): CaseList {
  const limit = filter.limit ?? 50;
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => staffSummary(r, at)),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}

const one = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;

/** Counts per status and desk filter; null when the scope allows nothing. */
function countsQuery(
  agencyIn: readonly string[] | undefined,
  dueSoonBy: string,
  at: Date,
): { sql: string; params: SqlValue[] } | null {
  if (agencyIn !== undefined && agencyIn.length === 0) return null;
  const iso = at.toISOString();
  const scope =
    agencyIn === undefined ? "" : `WHERE agency IN (${agencyIn.map(() => "?").join(", ")})`;
  return {
    sql: `SELECT status, COUNT(*) AS n,
         ${one(`status IN (${OPEN}) AND due_at < ?`)} AS overdue,
         ${one(`status IN (${OPEN}) AND due_at >= ? AND due_at <= ?`)} AS "dueSoon",
         ${one("agency IS NULL")} AS unassigned,
         ${one(`status IN (${OPEN}) AND next_progress_at IS NOT NULL AND next_progress_at <= ?`)}
           AS "progressDue"
       FROM feedback_cases ${scope} GROUP BY status`,
    params: [iso, iso, dueSoonBy, iso, ...(agencyIn ?? [])],
  };
}

function countsOf(rows: readonly Record<string, number | string | null>[]): CaseCounts {
  const byStatus = Object.fromEntries(STATUSES.map((x) => [x, 0])) as Record<Status, number>;
  const counts: CaseCounts = {
    all: 0,
    byStatus,
    open: 0,
    overdue: 0,
    dueSoon: 0,
    unassigned: 0,
    progressDue: 0,
  };
  for (const r of rows) {
    const status = r.status as Status;
    const n = Number(r.n);
    byStatus[status] = n;
    counts.all += n;
    if (OPEN_STATUSES.includes(status)) counts.open += n;
    counts.overdue += Number(r.overdue ?? 0);
    counts.dueSoon += Number(r.dueSoon ?? 0);
    counts.unassigned += Number(r.unassigned ?? 0);
    counts.progressDue += Number(r.progressDue ?? 0);
  }
  return counts;
}

/** How many cases match (all pages); null when the filter can match nothing. */
function matchingQuery(
  filter: Omit<ListFilter, "cursor" | "limit">,
  at: Date,
): { sql: string; params: SqlValue[] } | null {
  const cond = conditions(filter, at);
  if (!cond) return null;
  return {
    sql:
      `SELECT COUNT(*) AS n FROM feedback_cases` +
      (cond.where.length ? ` WHERE ${cond.where.join(" AND ")}` : ""),
    params: cond.params,
  };
}

export interface CaseLister {
  (filter: ListFilter): Promise<CaseList>;
  /** Counts per desk filter over the cases `agencyIn` allows (all when absent). */
  counts(agencyIn: readonly string[] | undefined, dueSoonBy: string): Promise<CaseCounts>;
  /** How many cases match the filter (all pages). */
  matching(filter: Omit<ListFilter, "cursor" | "limit">): Promise<number>;
}

export function createCaseLister(db: SqlExecutor, now: () => Date): CaseLister {
  const list = async (filter: ListFilter): Promise<CaseList> => {
    const at = now();
    const q = listQuery(filter, at);
    return q ? pageOf(filter, await db.all<CaseRow>(q.sql, q.params), at) : pageOf(filter, [], at);
  };
  return Object.assign(list, {
    async counts(agencyIn: readonly string[] | undefined, dueSoonBy: string) {
      const q = countsQuery(agencyIn, dueSoonBy, now());
      return countsOf(
        q ? await db.all<Record<string, number | string | null>>(q.sql, q.params) : [],
      );
    },
    async matching(filter: Omit<ListFilter, "cursor" | "limit">) {
      const q = matchingQuery(filter, now());
      return q ? Number((await db.get<{ n: number }>(q.sql, q.params))!.n) : 0;
    },
  });
}
