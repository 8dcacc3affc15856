/**
 * The PAKN queue: one object over the SQLite tables, with its clock, calendar and rules injected.
 * The assistant calls fileCase / rateAnswer directly; the HTTP routes and the CLI call the rest.
 */
import type { Calendar } from "../calendar/index.ts";
import type { Database } from "../db/index.ts";
import { dashboard, type Dashboard } from "./dashboard.ts";
import { createDesk, type Desk } from "./desk.ts";
import { CaseNotFoundError } from "./errors.ts";
import { createFileCase, type FiledCase } from "./file-case.ts";
import type { FileCaseInput } from "./input.ts";
import { createCaseLister, type CaseList, type ListFilter } from "./list.ts";
import { createEnqueue } from "./outbox.ts";
import type { ProcedureDirectory } from "./procedures.ts";
import { createProgressSweep } from "./progress.ts";
import { createRatings, type Ratings } from "./ratings.ts";
import { isRef, tokenMatches } from "./reference.ts";
import { periodReport, reportWithin, type QuarterlyReport, type ReportPeriod } from "./report.ts";
import {
  createScopeResolver,
  type AgencyRef,
  type CaseScope,
  type ScopeResolver,
} from "./scope.ts";
import { createDeadlineCalculator, type DeadlineCalculator, type PaknRules } from "./rules.ts";
import { prepareStatements } from "./store.ts";
import {
  createTransitions,
  type Assignment,
  type ProgressNote,
  type StatusChange,
} from "./transitions.ts";
import { citizenView, staffView, type CitizenCaseView, type StaffCaseView } from "./views.ts";

export interface FeedbackQueueOptions {
  db: Database;
  now: () => Date;
  calendar: Calendar;
  rules: PaknRules;
  procedures: ProcedureDirectory;
  /** The agencies directory (data/agencies.json): staff scopes name an agency by code or name. */
  agencies?: readonly AgencyRef[];
}

export interface FeedbackQueue {
  fileCase(input: FileCaseInput): FiledCase;
  /** CaseNotFoundError for an unknown ref and for a wrong token alike. */
  citizenView(ref: string, token: string): CitizenCaseView;
  /**
   * The citizen's view for the channel user who filed the case (chat channels: no token needed).
   * CaseNotFoundError for an unknown ref and for someone else's case alike.
   */
  citizenViewForFiler(ref: string, channel: string, userId: string): CitizenCaseView;
  /** With a scope, a case outside it is a CaseNotFoundError, like an unknown one. */
  staffView(ref: string, scope?: Pick<CaseScope, "covers">): StaffCaseView;
  list(filter: ListFilter): CaseList;
  /** Staff scopes ("*", an agency code or name) as filters. */
  scopes: ScopeResolver;
  /** The officials' desk: list with filters and counts, one case with its next steps. */
  desk: Desk;
  /** The report's figures over a period (a quarter: `parseQuarter`), within a scope. */
  report(period: ReportPeriod, scope?: Pick<CaseScope, "covers">): QuarterlyReport;
  /** The dashboard's figures (the report's, and more) over a period, within a scope. */
  dashboard(period: ReportPeriod, scope: CaseScope): Dashboard;
  changeStatus(ref: string, change: StatusChange): StaffCaseView;
  assign(ref: string, assignment: Assignment): StaffCaseView;
  addProgress(ref: string, progress: ProgressNote): StaffCaseView;
  /** Queues the 7-day progress notices that are due; returns how many. */
  runProgressSweep(): number;
  rateAnswer: Ratings["rateAnswer"];
  ratings: Ratings;
  deadlines: DeadlineCalculator;
}

/** A hash no token has, compared against when the ref is unknown so both paths cost the same. */
const NO_SUCH_HASH = "0".repeat(64);

export function createFeedbackQueue(deps: FeedbackQueueOptions): FeedbackQueue {
  const { db, now } = deps;
  const statements = prepareStatements(db);
  const deadlines = createDeadlineCalculator(deps.rules, deps.calendar);
  const enqueue = createEnqueue(db);
  const transitions = createTransitions({ db, statements, now, deadlines, enqueue });
  const ratings = createRatings(db, now);
  const fileCase = createFileCase({ db, statements, now, deadlines, procedures: deps.procedures });
  const list = createCaseLister(db, now);
  const sweep = createProgressSweep({ db, statements, now, deadlines, enqueue });

  const load = (ref: string) => {
    const row = isRef(ref) ? statements.byRef.get(ref) : undefined;
    if (!row) throw new CaseNotFoundError(ref);
    return row;
  };
  const full = (ref: string, scope?: Pick<CaseScope, "covers">) => {
    const row = load(ref);
    if (scope && !scope.covers(row.agency)) throw new CaseNotFoundError(ref);
    return staffView(row, statements.history.all(row.id), now());
  };
  const scopes = createScopeResolver(db, deps.agencies ?? []);
  const desk = createDesk({
    db,
    now,
    calendar: deps.calendar,
    lister: list,
    scopes,
    procedures: deps.procedures,
    byRef: (ref) => (isRef(ref) ? statements.byRef.get(ref) : undefined),
    staffView: (ref) => full(ref),
  });

  return {
    fileCase,
    citizenView(ref, token) {
      const row = isRef(ref) ? statements.byRef.get(ref) : undefined;
      const ok = typeof token === "string" && tokenMatches(token, row?.token_hash ?? NO_SUCH_HASH);
      if (!row || !ok) throw new CaseNotFoundError(ref);
      return citizenView(row, statements.history.all(row.id), now());
    },
    citizenViewForFiler(ref, channel, userId) {
      const row = isRef(ref) ? statements.byRef.get(ref) : undefined;
      if (!row || row.channel !== channel || row.user_id !== userId) {
        throw new CaseNotFoundError(ref);
      }
      return citizenView(row, statements.history.all(row.id), now());
    },
    staffView: full,
    list,
    scopes,
    desk,
    report: (period, scope) => {
      const report = periodReport(db, period, now());
      return scope ? reportWithin(report, scope.covers) : report;
    },
    dashboard: (period, scope) => dashboard(db, deps.calendar, period, now(), scope),
    changeStatus: (ref, change) => (transitions.changeStatus(ref, change), full(ref)),
    assign: (ref, assignment) => (transitions.assign(ref, assignment), full(ref)),
    addProgress: (ref, progress) => (transitions.addProgress(ref, progress), full(ref)),
    runProgressSweep: sweep,
    rateAnswer: (input) => ratings.rateAnswer(input),
    ratings,
    deadlines,
  };
}
