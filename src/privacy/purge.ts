/**
 * The retention purge (docs/privacy.md): personal data older than the retention period is
 * anonymised or deleted, kind by kind, each kind in one transaction. What statistics and the legal
 * record need stays: references, agencies, procedure codes, kinds, statuses, dates, the case
 * history (written by staff and the system, append-only), ratings' 👍/👎, tickets' times.
 * Open cases and open hand-over tickets are never touched.
 */
import type { Database } from "../db/index.ts";
import { ANONYMISED_TEXT, COUNTERS, KINDS, type PurgeCounts } from "./kinds.ts";

const DAY_MS = 86_400_000;

export interface PurgeOptions {
  db: Database;
  now: () => Date;
  /** RETENTION_DAYS: data older than this many days is past retention. */
  retentionDays: number;
  /** Count what would change, change nothing. */
  dryRun?: boolean;
}

export interface PurgeResult {
  /** Older than this (ISO 8601 UTC) was past retention. */
  cutoff: string;
  dryRun: boolean;
  counts: PurgeCounts;
}

/** The instant before which data is past retention. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new RangeError(`retention must be a whole number of days, not ${retentionDays}`);
  }
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/** Anonymises (or with `dryRun` counts) everything past retention; idempotent. */
export function purgeExpired(options: PurgeOptions): PurgeResult {
  const { db } = options;
  const cutoff = retentionCutoff(options.now(), options.retentionDays).toISOString();
  const params = { cutoff, marker: ANONYMISED_TEXT };
  const counts = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as unknown as PurgeCounts;
  for (const kind of KINDS) {
    if (options.dryRun) {
      for (const s of kind.steps) {
        counts[s.counter] = (db.prepare(s.count).get(params) as { n: number }).n;
      }
      continue;
    }
    const run = db.transaction(() => {
      for (const s of kind.steps) counts[s.counter] = db.prepare(s.apply).run(params).changes;
    });
    run.immediate();
  }
  return { cutoff, dryRun: options.dryRun === true, counts };
}
