/**
 * Background work of the queue in a running server: the 7-day progress sweep and, once channels
 * register senders, draining the outbox. Started by main.ts; importing this starts nothing.
 *
 * While another connection holds the database's write lock a tick is skipped, not waited out
 * (the next one tries again): `onBusy` hears of it once, when a job first finds the lock taken.
 */
import { DatabaseBusyError, isBusyError, type WriteGate } from "../db/index.ts";
import type { OutboxDispatcher } from "./dispatcher.ts";
import type { FeedbackQueue } from "./queue.ts";

export type FeedbackJob = "progress" | "outbox";

export interface FeedbackJobsOptions {
  queue: Pick<FeedbackQueue, "runProgressSweep">;
  dispatcher?: OutboxDispatcher;
  onError: (err: unknown, job: FeedbackJob) => void;
  /**
   * A job's tick was skipped because the database is locked by another connection; called once
   * per job until one of its ticks goes through again. Default: onError.
   */
  onBusy?: (err: unknown, job: FeedbackJob) => void;
  /** The database's write gate: a tick is skipped at once while writes wait for the lock. */
  writes?: Pick<WriteGate, "busy">;
  /** Default 10 minutes. */
  sweepEveryMs?: number;
  /** Default 5 seconds. */
  drainEveryMs?: number;
}

export function startFeedbackJobs(deps: FeedbackJobsOptions): { stop(): void } {
  const timers: NodeJS.Timeout[] = [];
  const onBusy = deps.onBusy ?? deps.onError;
  const skipping = new Set<FeedbackJob>();
  /** Runs one tick of `job` unless the database is known to be locked; sorts out its failure. */
  const tick = async (job: FeedbackJob, run: () => unknown): Promise<void> => {
    try {
      if (deps.writes?.busy) throw new DatabaseBusyError(0, 0);
      await run();
      skipping.delete(job);
    } catch (err) {
      if (!isBusyError(err)) return deps.onError(err, job);
      if (skipping.has(job)) return;
      skipping.add(job);
      onBusy(err, job);
    }
  };
  timers.push(
    setInterval(
      () => void tick("progress", () => deps.queue.runProgressSweep()),
      deps.sweepEveryMs ?? 600_000,
    ),
  );
  const dispatcher = deps.dispatcher;
  if (dispatcher) {
    let busy = false;
    timers.push(
      setInterval(() => {
        if (busy) return;
        busy = true;
        void tick("outbox", () => dispatcher.drainOnce()).finally(() => (busy = false));
      }, deps.drainEveryMs ?? 5_000),
    );
  }
  for (const t of timers) t.unref();
  return { stop: () => timers.forEach((t) => clearInterval(t)) };
}
