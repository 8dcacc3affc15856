/**
 * Background work of the PAKN store in a running server: the 7-day progress sweep and, once
 * channels register senders, draining the outbox. Started by main.ts; importing this starts
 * nothing.
 *
 * While another connection holds SQLite's write lock, a tick's writes wait in the SqlDatabase's
 * write gate (without blocking the event loop) and, past its budget, the tick gives up with
 * DatabaseBusyError (the next one tries again): `onBusy` hears of it once, when a job first finds
 * the database busy.
 */
import { isBusyError } from "../db/index.ts";
import type { SqlOutboxDispatcher } from "./dispatcher.ts";
import type { FeedbackStore } from "./sql-store.ts";

export type FeedbackJob = "progress" | "outbox";

export interface FeedbackJobsOptions {
  feedback: Pick<FeedbackStore, "runProgressSweep">;
  dispatcher?: Pick<SqlOutboxDispatcher, "drainOnce">;
  onError: (err: unknown, job: FeedbackJob) => void;
  /**
   * A job's tick was skipped because the database is locked by another connection; called once
   * per job until one of its ticks goes through again. Default: onError.
   */
  onBusy?: (err: unknown, job: FeedbackJob) => void;
  /** Default 10 minutes. */
  sweepEveryMs?: number;
  /** Default 5 seconds. */
  drainEveryMs?: number;
}

export function startFeedbackJobs(deps: FeedbackJobsOptions): { stop(): void } {
  const timers: NodeJS.Timeout[] = [];
  const onBusy = deps.onBusy ?? deps.onError;
  const skipping = new Set<FeedbackJob>();
  /** Runs one tick of `job`; sorts out its failure. */
  const tick = async (job: FeedbackJob, run: () => Promise<unknown>): Promise<void> => {
    try {
      await run();
      skipping.delete(job);
    } catch (err) {
      if (!isBusyError(err)) return deps.onError(err, job);
      if (skipping.has(job)) return;
      skipping.add(job);
      onBusy(err, job);
    }
  };
  /** Runs `run` every `ms`; a tick still under way when the next is due makes it skip. */
  const every = (job: FeedbackJob, ms: number, run: () => Promise<unknown>) => {
    let running = false;
    timers.push(
      setInterval(() => {
        if (running) return;
        running = true;
        void tick(job, run).finally(() => (running = false));
      }, ms),
    );
  };
  every("progress", deps.sweepEveryMs ?? 600_000, () => deps.feedback.runProgressSweep());
  const dispatcher = deps.dispatcher;
  if (dispatcher) every("outbox", deps.drainEveryMs ?? 5_000, () => dispatcher.drainOnce());
  for (const t of timers) t.unref();
  return { stop: () => timers.forEach((t) => clearInterval(t)) };
}
