/**
 * Background work of the queue in a running server: the 7-day progress sweep and, once channels
 * register senders, draining the outbox. Started by main.ts; importing this starts nothing.
 */
import type { OutboxDispatcher } from "./dispatcher.ts";
import type { FeedbackQueue } from "./queue.ts";

export interface FeedbackJobsDeps {
  queue: Pick<FeedbackQueue, "runProgressSweep">;
  dispatcher?: OutboxDispatcher;
  onError: (err: unknown, job: "progress" | "outbox") => void;
  /** Default 10 minutes. */
  sweepEveryMs?: number;
  /** Default 5 seconds. */
  drainEveryMs?: number;
}

export function startFeedbackJobs(deps: FeedbackJobsDeps): { stop(): void } {
  const timers: NodeJS.Timeout[] = [];
  const sweep = () => {
    try {
      deps.queue.runProgressSweep();
    } catch (err) {
      deps.onError(err, "progress");
    }
  };
  timers.push(setInterval(sweep, deps.sweepEveryMs ?? 600_000));
  const dispatcher = deps.dispatcher;
  if (dispatcher) {
    let busy = false;
    timers.push(
      setInterval(() => {
        if (busy) return;
        busy = true;
        dispatcher
          .drainOnce()
          .catch((err: unknown) => deps.onError(err, "outbox"))
          .finally(() => (busy = false));
      }, deps.drainEveryMs ?? 5_000),
    );
  }
  for (const t of timers) t.unref();
  return { stop: () => timers.forEach((t) => clearInterval(t)) };
}
