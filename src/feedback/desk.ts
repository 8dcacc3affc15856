/**
 * The officials' desk (the /staff console's PAKN part): the list with its filters and counts, and
 * one case with what the lifecycle allows next, its notifications and its deadlines in working
 * days. Everything is read within the caller's scope (src/feedback/scope.ts).
 */
import { endOfLocalDay, localDate, type Calendar } from "../calendar/index.ts";
import type { NotificationAudit } from "./audit.ts";
import { CaseNotFoundError, FeedbackInputError } from "./errors.ts";
import type { CaseCounts, ListFilter } from "./list.ts";
import type { ProcedureDirectory } from "./procedures.ts";
import type { CaseScope, ScopeResolver } from "./scope.ts";
import type { FeedbackStore } from "./sql-store.ts";
import { allowedNext, isOpen, type Status } from "./status.ts";
import { staffView, type StaffCaseSummary, type StaffCaseView } from "./views.ts";

/**
 * An open case due within this many working days (and not overdue) is marked "due soon"; the
 * desk's "due soon" filter is `dueWithinWorkingDays` = this, and its count is the same set.
 */
export const DUE_SOON_WORKING_DAYS = 3;
export const MAX_DUE_WITHIN = 60;

export interface DeskQuery {
  statuses?: readonly Status[];
  /** An agency's name or code (matched like a scope: case-insensitive, code or name). */
  agency?: string;
  unassigned?: boolean;
  overdue?: boolean;
  /** Open cases not yet overdue, due within N working days from today (0 = today). */
  dueWithinWorkingDays?: number;
  progressDue?: boolean;
  search?: string;
  limit?: number;
  cursor?: string;
}

export interface DeskRow extends StaffCaseSummary {
  /** Open, not yet overdue, due within DUE_SOON_WORKING_DAYS working days. */
  dueSoon: boolean;
  /** Working days from today to the due date (negative once past it); null once handled. */
  workingDaysLeft: number | null;
}

export interface DeskList {
  items: DeskRow[];
  nextCursor: string | null;
  /** Cases matching the filters (all pages). */
  matching: number;
  /** Per filter, over the caller's whole scope. */
  counts: CaseCounts;
  dueSoonWorkingDays: number;
}

export interface DeskCase extends StaffCaseView {
  dueSoon: boolean;
  workingDaysLeft: number | null;
  /** The statuses the lifecycle allows from here. */
  allowed: readonly Status[];
  procedureName: string | null;
  procedureUrl: string | null;
  notifications: NotificationAudit[];
}

export interface Desk {
  list(query: DeskQuery, scope: CaseScope): Promise<DeskList>;
  /** CaseNotFoundError for a case outside the scope, as for no such case. */
  view(ref: string, scope: CaseScope): Promise<DeskCase>;
}

export interface DeskOptions {
  store: Pick<FeedbackStore, "list" | "byRef" | "history" | "notifications">;
  now: () => Date;
  calendar: Pick<Calendar, "addWorkingDays" | "countWorkingDays">;
  scopes: ScopeResolver;
  procedures: ProcedureDirectory;
}

export function createDesk(deps: DeskOptions): Desk {
  const { calendar, scopes, store } = deps;
  const lister = store.list;

  const today = () => localDate(deps.now());
  const dueSoonBy = () =>
    endOfLocalDay(calendar.addWorkingDays(today(), DUE_SOON_WORKING_DAYS)).toISOString();

  function decorate<T extends StaffCaseSummary>(c: T): T & Omit<DeskRow, keyof StaffCaseSummary> {
    if (!isOpen(c.status)) return { ...c, dueSoon: false, workingDaysLeft: null };
    const left = calendar.countWorkingDays(today(), localDate(new Date(c.dueAt)));
    return { ...c, dueSoon: !c.overdue && c.dueAt <= dueSoonBy(), workingDaysLeft: left };
  }

  /** The agencies a query may read: the scope's, narrowed by the agency filter. */
  async function agencyIn(
    query: DeskQuery,
    scope: CaseScope,
  ): Promise<readonly string[] | undefined> {
    const allowed = await scope.agencyValues();
    if (query.agency === undefined || query.agency.trim() === "") return allowed ?? undefined;
    const wanted = (await scopes.resolve(query.agency).agencyValues()) ?? [];
    return allowed === null ? wanted : wanted.filter((a) => allowed.includes(a));
  }

  return {
    async list(query, scope) {
      const n = query.dueWithinWorkingDays;
      if (n !== undefined && (!Number.isInteger(n) || n < 0 || n > MAX_DUE_WITHIN)) {
        throw new FeedbackInputError(
          "invalid_field",
          "dueWithin",
          `dueWithin must be 0–${MAX_DUE_WITHIN} working days`,
        );
      }
      const within = await agencyIn(query, scope);
      const filter: ListFilter = {
        ...(query.statuses ? { statuses: query.statuses } : {}),
        ...(within !== undefined ? { agencyIn: within } : {}),
        ...(query.unassigned && !query.agency ? { unassigned: true } : {}),
        ...(query.overdue ? { overdue: true } : {}),
        ...(query.progressDue ? { progressDue: true } : {}),
        ...(n !== undefined
          ? { dueBy: endOfLocalDay(calendar.addWorkingDays(today(), n)).toISOString() }
          : {}),
        ...(query.search ? { search: query.search } : {}),
      };
      const all = await scope.agencyValues();
      const [page, matching, counts] = await Promise.all([
        lister({
          ...filter,
          ...(query.limit !== undefined ? { limit: query.limit } : {}),
          ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        }),
        lister.matching(filter),
        lister.counts(all ?? undefined, dueSoonBy()),
      ]);
      return {
        items: page.items.map(decorate),
        nextCursor: page.nextCursor,
        matching,
        counts,
        dueSoonWorkingDays: DUE_SOON_WORKING_DAYS,
      };
    },

    async view(ref, scope) {
      const row = await store.byRef(ref);
      if (!row || !scope.covers(row.agency)) throw new CaseNotFoundError(ref);
      const [history, notifications] = await Promise.all([
        store.history(row.id),
        store.notifications(row.id),
      ]);
      const view = decorate(staffView(row, history, deps.now()));
      const code = view.procedureCode;
      return {
        ...view,
        allowed: allowedNext(view.status),
        procedureName: (code && deps.procedures.nameOf?.(code)) || null,
        procedureUrl: (code && deps.procedures.urlOf?.(code)) || null,
        notifications,
      };
    },
  };
}
