/**
 * The PAKN queue as main.ts serves it: calendar, rules, catalogue lookup and staff tokens from the
 * configuration, the HTTP routes over the app's database, and the background jobs.
 */
import { loadCalendar } from "../calendar/index.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/database.ts";
import {
  createFeedbackQueue,
  createProcedureDirectory,
  createStaffAuth,
  loadRules,
  startFeedbackJobs,
} from "../feedback/index.ts";
import type { Logger } from "../logger.ts";
import { createFeedbackRoutes } from "./feedback-routes.ts";
import type { ExtraRoute } from "./server.ts";

export interface FeedbackWiringDeps {
  config: Pick<Config, "staffTokens">;
  logger: Logger;
  catalogue: Iterable<{ code: string; agencies: readonly string[] }>;
  now?: () => Date;
}

export function createFeedbackWiring(deps: FeedbackWiringDeps): {
  routes: (db: Database) => readonly ExtraRoute[];
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
  let jobs: { stop(): void } | null = null;
  return {
    routes(db) {
      const queue = createFeedbackQueue({ db, now, calendar, rules, procedures });
      jobs = startFeedbackJobs({
        queue,
        onError: (err, job) => logger.error({ err, job }, "feedback job failed"),
      });
      return [createFeedbackRoutes({ queue, staff, logger })];
    },
    stop: () => jobs?.stop(),
  };
}
