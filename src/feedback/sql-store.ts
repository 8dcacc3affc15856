/**
 * The PAKN store (phản ánh, kiến nghị): cases, their history, citizen notifications in the outbox,
 * ratings of the bot's answers — on SqlDatabase, so on either engine: SQLite (the embedded
 * default) or PostgreSQL shared by several instances. The SQL is that of store.ts, outbox.ts,
 * progress.ts, ratings.ts, audit.ts, list.ts, report.ts and dashboard.ts; the checks are the
 * plans of transitions.ts and file-case.ts. The chat, the web routes, the officials' desk
 * (desk.ts), the reminders, the CLI and the progress-sweep job all go through it.
 *
 * With several instances on one PostgreSQL database:
 * - references stay unique and gap-free per year: the year's counter row is updated with
 *   `… DO UPDATE … RETURNING` inside the filing transaction, so concurrent filers queue on that
 *   row until the one before commits (or rolls back and gives the number back);
 * - filing is idempotent when the caller files inside its own transaction (`fileCase(input, tx)`)
 *   beside the write that marks its draft filed: the second attempt's mark finds it done, and
 *   rolls back with nothing filed;
 * - a filing with an Idempotency-Key (`fileCaseOnce`) files one case per key: the key's hash is
 *   unique, and the second of two filings at once finds its insert refused
 *   (`ON CONFLICT … DO NOTHING`, which on PostgreSQL waits for the first to commit), rolls back
 *   (the year's number given back) and looks again: it replays the first;
 * - a staff change locks the case (`FOR UPDATE`) before checking its version: two officers on two
 *   instances, one wins, the other gets VersionConflictError when they named the version read;
 * - the progress sweep moves each case's schedule from the value it read: one notice whichever
 *   instance's sweep gets there first.
 */
import type { Calendar } from "../calendar/index.ts";
import type { SqlDatabase, SqlExecutor } from "../db/index.ts";
import { NOTIFICATION_AUDIT_SQL, type NotificationAudit } from "./audit.ts";
import { dashboard, type Dashboard } from "./dashboard.ts";
import {
  CaseNotFoundError,
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  VersionConflictError,
} from "./errors.ts";
import { prepareFiling, type FiledCase } from "./file-case.ts";
import {
  idempotencyHashes,
  keyStands,
  replayedCase,
  type IdempotencyHashes,
} from "./idempotency.ts";
import { validateFileCase, type FileCaseInput } from "./input.ts";
import { createCaseLister, type CaseLister } from "./list.ts";
import { INSERT_NOTIFICATION_SQL, notificationParams } from "./outbox.ts";
import type { ProcedureDirectory } from "./procedures.ts";
import { PROGRESS_SQL, progressOwed } from "./progress.ts";
import { RATINGS_SQL, ratingParams, type RatingInput, type StoredRating } from "./ratings.ts";
import type { Recorded } from "./record-event.ts";
import { isRef, newCitizenToken, sha256Hex, tokenMatches } from "./reference.ts";
import { periodReport, reportWithin, type QuarterlyReport, type ReportPeriod } from "./report.ts";
import { routeCase } from "./routing.ts";
import type { DeadlineCalculator } from "./rules.ts";
import { DISTINCT_AGENCIES_SQL, type CaseScope } from "./scope.ts";
import {
  CASE_SQL,
  historyParams,
  insertCaseParams,
  updateCaseParams,
  type CaseRow,
  type HistoryRow,
} from "./store.ts";
import {
  checkRead,
  planAssignment,
  planProgress,
  planStatusChange,
  type Assignment,
  type ProgressNote,
  type StatusChange,
  type TransitionPlan,
} from "./transitions.ts";
import { citizenView, staffView, type CitizenCaseView, type StaffCaseView } from "./views.ts";

export interface FeedbackStoreOptions {
  sql: SqlDatabase;
  now: () => Date;
  deadlines: DeadlineCalculator;
  procedures: ProcedureDirectory;
  /** Working days for the dashboard's medians. */
  calendar: Pick<Calendar, "countWorkingDays">;
  /** Cases per progress sweep. Default 500. */
  sweepBatch?: number;
}

export interface Ratings {
  /** Rating the same answer again replaces the earlier rating. */
  rateAnswer(input: RatingInput): Promise<StoredRating>;
  /** 👎 not yet reviewed, oldest first. */
  pendingReview(limit?: number): Promise<StoredRating[]>;
  markReviewed(id: number): Promise<boolean>;
}

export interface FeedbackStore {
  /**
   * Files a case in its own transaction; with `tx`, inside the caller's transaction instead, so
   * that the case and the caller's own writes (the draft marked filed) commit together or not
   * at all — how a retried "send" files once.
   */
  fileCase(input: FileCaseInput, tx?: SqlExecutor): Promise<FiledCase>;
  /**
   * Files a case once per Idempotency-Key (src/feedback/idempotency.ts), in its own transaction.
   * The same key and validated input within the window: nothing filed, the case again with a new
   * token that replaces the old one (`replayed`). The same key with another input:
   * IdempotencyKeyReusedError, nothing filed.
   */
  fileCaseOnce(input: FileCaseInput, key: string): Promise<FilingOnce>;
  byRef(ref: string): Promise<CaseRow | undefined>;
  history(caseId: number): Promise<HistoryRow[]>;
  /** CaseNotFoundError for an unknown ref and for a wrong token alike. */
  citizenView(ref: string, token: string): Promise<CitizenCaseView>;
  /** For the channel user who filed it; CaseNotFoundError for anyone else, as for no such case. */
  citizenViewForFiler(ref: string, channel: string, userId: string): Promise<CitizenCaseView>;
  /** With a scope, a case outside it is a CaseNotFoundError, like an unknown one. */
  staffView(ref: string, scope?: Pick<CaseScope, "covers">): Promise<StaffCaseView>;
  changeStatus(ref: string, change: StatusChange): Promise<StaffCaseView>;
  assign(ref: string, assignment: Assignment): Promise<StaffCaseView>;
  addProgress(ref: string, progress: ProgressNote): Promise<StaffCaseView>;
  /** Queues the 7-day progress notices that are due; returns how many. */
  runProgressSweep(): Promise<number>;
  /** The case's notifications (queued, sent, retried, given up), for the desk. */
  notifications(caseId: number): Promise<NotificationAudit[]>;
  /** Every agency value on a case (for scopes and the desk's agency list). */
  agencies(): Promise<string[]>;
  /** The staff list (filters, keyset pages), its counts and how many match. */
  list: CaseLister;
  /** The report's figures over a period (a quarter: `parseQuarter`), within a scope. */
  report(period: ReportPeriod, scope?: Pick<CaseScope, "covers">): Promise<QuarterlyReport>;
  /** The dashboard's figures (the report's, and more) over a period, within a scope. */
  dashboard(period: ReportPeriod, scope: CaseScope): Promise<Dashboard>;
  ratings: Ratings;
}

export interface FilingOnce {
  filed: FiledCase;
  /** True when the key had filed the case already: nothing new was filed. */
  replayed: boolean;
}

/** A hash no token has, compared against when the ref is unknown so both paths cost the same. */
const NO_SUCH_HASH = "0".repeat(64);

export function createFeedbackStore(deps: FeedbackStoreOptions): FeedbackStore {
  const { sql, now, deadlines } = deps;
  // PostgreSQL: the case row stays locked from the read to the commit, so a concurrent change on
  // another instance waits and then checks against what this one wrote. SQLite's BEGIN IMMEDIATE
  // already serialises writers.
  const byRefLocked = sql.dialect === "postgres" ? `${CASE_SQL.byRef} FOR UPDATE` : CASE_SQL.byRef;
  // Two replays of one key at once take turns on the case: each token replaces the one before.
  const byKeyLocked =
    sql.dialect === "postgres"
      ? `${CASE_SQL.byIdempotencyKey} FOR UPDATE`
      : CASE_SQL.byIdempotencyKey;

  const byRef = (ref: string, db: SqlExecutor = sql) =>
    isRef(ref) ? db.get<CaseRow>(CASE_SQL.byRef, [ref]) : Promise.resolve(undefined);
  const history = (caseId: number, db: SqlExecutor = sql) =>
    db.all<HistoryRow>(CASE_SQL.history, [caseId]);

  async function write(tx: SqlExecutor, recorded: Recorded): Promise<void> {
    await tx.run(CASE_SQL.insertHistory, historyParams(recorded.history));
    if (recorded.notification) {
      await tx.run(INSERT_NOTIFICATION_SQL, notificationParams(recorded.notification));
    }
  }

  async function file(
    tx: SqlExecutor,
    clean: ReturnType<typeof validateFileCase>,
    routing: ReturnType<typeof routeCase>,
    idempotency: IdempotencyHashes | null = null,
  ): Promise<FiledCase> {
    const filing = prepareFiling(clean, routing, deadlines, now(), idempotency);
    const seq = await tx.get<{ last: number }>(CASE_SQL.nextSequence, [filing.year]);
    const { row, filed } = filing.build(Number(seq!.last));
    const inserted = await tx.get<{ id: number }>(CASE_SQL.insertCase, insertCaseParams(row));
    // Another filing took the key and has committed: roll this one back, its number with it.
    if (!inserted) throw new IdempotencyKeyInUseError();
    await tx.run(CASE_SQL.insertHistory, historyParams(filing.history(Number(inserted.id))));
    return filed;
  }

  /** One try of fileCaseOnce: replay what the key filed, or file with it. */
  function fileOrReplay(
    clean: ReturnType<typeof validateFileCase>,
    routing: ReturnType<typeof routeCase>,
    idempotency: IdempotencyHashes,
  ): Promise<FilingOnce> {
    return sql.transaction(async (tx) => {
      const prior = await tx.get<CaseRow>(byKeyLocked, [idempotency.keyHash]);
      if (prior && keyStands(prior, now())) {
        if (prior.idempotency_request_hash !== idempotency.requestHash) {
          throw new IdempotencyKeyReusedError(prior.ref);
        }
        const token = newCitizenToken();
        await tx.run(CASE_SQL.replaceToken, [sha256Hex(token), prior.id]);
        return { filed: replayedCase(prior, token), replayed: true };
      }
      if (prior) await tx.run(CASE_SQL.releaseIdempotencyKey, [prior.id]);
      return { filed: await file(tx, clean, routing, idempotency), replayed: false };
    });
  }

  /** Reads and locks the case, checks it, applies the plan and writes its result, in one go. */
  function mutate(plan: TransitionPlan): Promise<StaffCaseView> {
    return sql.transaction(async (tx) => {
      const read = isRef(plan.ref) ? await tx.get<CaseRow>(byRefLocked, [plan.ref]) : undefined;
      const row = checkRead(plan, read);
      const at = now();
      const { next, record } = plan.apply(row, at);
      const info = await tx.run(
        CASE_SQL.updateCase,
        updateCaseParams(next, at.toISOString(), row.version),
      );
      if (info.changes !== 1)
        throw new VersionConflictError(plan.ref, row.version, row.version + 1);
      const saved = (await tx.get<CaseRow>(CASE_SQL.byRef, [plan.ref]))!;
      await write(tx, record(saved));
      return staffView(saved, await history(saved.id, tx), at);
    });
  }

  const ratings: Ratings = {
    async rateAnswer(input) {
      const params = ratingParams(input, now());
      const { id } = (await sql.get<{ id: number }>(RATINGS_SQL.upsert, params))!;
      return (await sql.get<StoredRating>(RATINGS_SQL.byId, [Number(id)]))!;
    },
    pendingReview: (limit = 50) => sql.all<StoredRating>(RATINGS_SQL.pending, [limit]),
    markReviewed: async (id) =>
      (await sql.run(RATINGS_SQL.review, [now().toISOString(), id])).changes === 1,
  };

  return {
    async fileCase(input, tx) {
      // Checked before the transaction: a bad input never waits for the write lock.
      const clean = validateFileCase(input);
      const routing = routeCase(clean, deps.procedures);
      return tx ? file(tx, clean, routing) : sql.transaction((t) => file(t, clean, routing));
    },
    async fileCaseOnce(input, key) {
      const clean = validateFileCase(input);
      const routing = routeCase(clean, deps.procedures);
      const idempotency = idempotencyHashes(key, clean);
      try {
        return await fileOrReplay(clean, routing, idempotency);
      } catch (err) {
        // A filing with the same key committed first: this try rolled back; the next one finds it.
        if (!(err instanceof IdempotencyKeyInUseError)) throw err;
        return fileOrReplay(clean, routing, idempotency);
      }
    },
    byRef: (ref) => byRef(ref),
    history: (caseId) => history(caseId),
    async citizenView(ref, token) {
      const row = await byRef(ref);
      const ok = typeof token === "string" && tokenMatches(token, row?.token_hash ?? NO_SUCH_HASH);
      if (!row || !ok) throw new CaseNotFoundError(ref);
      return citizenView(row, await history(row.id), now());
    },
    async citizenViewForFiler(ref, channel, userId) {
      const row = await byRef(ref);
      if (!row || row.channel !== channel || row.user_id !== userId) {
        throw new CaseNotFoundError(ref);
      }
      return citizenView(row, await history(row.id), now());
    },
    async staffView(ref, scope) {
      const row = await byRef(ref);
      if (!row || (scope && !scope.covers(row.agency))) throw new CaseNotFoundError(ref);
      return staffView(row, await history(row.id), now());
    },
    changeStatus: async (ref, change) => mutate(planStatusChange(ref, change, deadlines)),
    assign: async (ref, assignment) => mutate(planAssignment(ref, assignment)),
    addProgress: async (ref, progress) => mutate(planProgress(ref, progress, deadlines)),
    async runProgressSweep() {
      const at = now();
      const due = await sql.all<CaseRow>(PROGRESS_SQL.due, [
        at.toISOString(),
        deps.sweepBatch ?? 500,
      ]);
      let n = 0;
      for (const row of due) {
        const owed = progressOwed(deadlines, row, at);
        const done = await sql.transaction(async (tx) => {
          // Staff or another instance's sweep moved it since the read: nothing to do.
          const moved = await tx.run(PROGRESS_SQL.move, [owed.next, row.id, owed.scheduled]);
          if (moved.changes !== 1) return false;
          await write(tx, owed.recorded);
          return true;
        });
        if (done) n++;
      }
      return n;
    },
    notifications: (caseId) => sql.all<NotificationAudit>(NOTIFICATION_AUDIT_SQL, [caseId]),
    agencies: async () =>
      (await sql.all<{ agency: string }>(DISTINCT_AGENCIES_SQL)).map((r) => r.agency),
    list: createCaseLister(sql, now),
    async report(period, scope) {
      const report = await periodReport(sql, period, now());
      return scope ? reportWithin(report, scope.covers) : report;
    },
    dashboard: (period, scope) => dashboard(sql, deps.calendar, period, now(), scope),
    ratings,
  };
}
