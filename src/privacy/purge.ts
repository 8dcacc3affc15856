/**
 * The retention purge (docs/privacy.md): personal data older than the retention period is
 * anonymised or deleted, kind by kind, each kind in one transaction, on SQLite or PostgreSQL.
 * What statistics and the legal record need stays: references, agencies, procedure codes, kinds,
 * statuses, dates, the case history (written by staff and the system, append-only), ratings'
 * 👍/👎, tickets' times. Open cases and open hand-over tickets are never touched.
 *
 * Instances sharing one PostgreSQL database purge one at a time (the lock `PURGE_LOCK`): the
 * second finds the work done and counts nothing.
 */
import type { SqlDatabase } from "../db/index.ts";
import { ANONYMISED_TEXT, COUNTERS, KINDS, paramsOf, type PurgeCounts } from "./kinds.ts";

const DAY_MS = 86_400_000;

/** The lock held across instances while a purge runs (src/db/sql.ts `exclusive`). */
const PURGE_LOCK = "privacy:purge";

export interface PurgeOptions {
  sql: SqlDatabase;
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
export async function purgeExpired(options: PurgeOptions): Promise<PurgeResult> {
  const { sql } = options;
  const cutoff = retentionCutoff(options.now(), options.retentionDays).toISOString();
  const values = { cutoff, marker: ANONYMISED_TEXT };
  const counts = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as unknown as PurgeCounts;
  if (options.dryRun) {
    for (const s of KINDS.flatMap((k) => k.steps)) {
      const row = await sql.get<{ n: number }>(s.count.sql, paramsOf(s.count, values));
      counts[s.counter] = Number(row!.n);
    }
  } else {
    await sql.exclusive(PURGE_LOCK, async () => {
      for (const kind of KINDS) {
        await sql.transaction(async (tx) => {
          for (const s of kind.steps) {
            counts[s.counter] = (await tx.run(s.apply.sql, paramsOf(s.apply, values))).changes;
          }
        });
      }
    });
  }
  return { cutoff, dryRun: options.dryRun === true, counts };
}
