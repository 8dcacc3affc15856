/**
 * The PAKN queue as main.ts serves it: calendar, rules, catalogue lookup and staff tokens from the
 * configuration, the HTTP routes over the app's database, and the background jobs.
 */
import { loadCalendar } from "../calendar/index.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/index.ts";
import {
  createFeedbackQueue,
  createProcedureDirectory,
  createStaffAuth,
  loadAgencyDirectory,
  loadRules,
  startFeedbackJobs,
  type FeedbackQueue,
  type OutboxDispatcher,
} from "../feedback/index.ts";
import type { Logger } from "../logger.ts";
import { createFeedbackRoutes } from "./feedback-routes.ts";
import type { RouteGroup } from "./routes.ts";

export interface FeedbackWiringDeps {
  config: Pick<Config, "staffTokens">;
  logger: Logger;
  catalogue: Iterable<{ code: string; agencies: readonly string[]; name?: string; url?: string }>;
  now?: () => Date;
  /** Drains the notification outbox (src/dialogue/notify.ts); without it, messages wait. */
  dispatcher?: (db: Database) => OutboxDispatcher;
}

export function createFeedbackWiring(deps: FeedbackWiringDeps): {
  /** The queue over `db` (one per database: routes and the dialogue share it). */
  queue: (db: Database) => FeedbackQueue;
  routes: (db: Database) => readonly RouteGroup[];
  stop(): void;
} {
  const { logger } = deps;
  const now = deps.now ?? (() => new Date());
  const calendar = loadCalendar();
  const rules = loadRules();
  const procedures = createProcedureDirectory(deps.catalogue);
  const staff = createStaffAuth(deps.config.staffTokens ?? []);
  if (!staff.enabled)
    logger.warn("STAFF_TOKEN_HASHES is not set: staff feedback endpoints refuse everyone");
  // data/agencies.json: staff scopes name an agency by its code.
  const agencies = loadAgencyDirectory();
  for (const t of deps.config.staffTokens ?? []) {
    if (t.scope !== undefined && !agencies.some((a) => a.code === t.scope)) {
      logger.warn(
        { staff: t.name, scope: t.scope },
        "staff token scope is not an agency code of data/agencies.json: it matches only cases whose agency is that text",
      );
    }
  }
  let jobs: { stop(): void } | null = null;
  const queues = new WeakMap<Database, FeedbackQueue>();
  const queueFor = (db: Database) => {
    let queue = queues.get(db);
    if (!queue) {
      queue = createFeedbackQueue({ db, now, calendar, rules, procedures, agencies });
      queues.set(db, queue);
    }
    return queue;
  };
  return {
    queue: queueFor,
    routes(db) {
      const queue = queueFor(db);
      jobs = startFeedbackJobs({
        queue,
        ...(deps.dispatcher ? { dispatcher: deps.dispatcher(db) } : {}),
        onError: (err, job) => logger.error({ err, job }, "feedback job failed"),
      });
      return [createFeedbackRoutes({ queue, staff, logger })];
    },
    stop: () => jobs?.stop(),
  };
}
