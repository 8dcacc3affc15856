/**
 * Per-key sequencing: tasks with the same key (one user) run one after the other, in the order
 * they were pushed; tasks with different keys run in parallel. A key with too many waiting tasks
 * refuses more, so one user flooding the bot cannot pile up unbounded work.
 */

export interface KeyedQueue {
  /** Queues `task` after the key's earlier tasks; false (not queued) when the key is full. */
  push(key: string, task: () => Promise<void>): boolean;
  /** Tasks queued or running, all keys. */
  size(): number;
  /** Resolves once every task queued so far (and any they queue) has finished. */
  idle(): Promise<void>;
}

export interface KeyedQueueOptions {
  /** Tasks one key may have queued or running. Default 20. */
  maxPendingPerKey?: number;
  /** Called with a task's error; the key's next task runs anyway. */
  onError: (err: unknown, key: string) => void;
}

interface Lane {
  tail: Promise<void>;
  pending: number;
}

export function createKeyedQueue(options: KeyedQueueOptions): KeyedQueue {
  const maxPending = options.maxPendingPerKey ?? 20;
  const lanes = new Map<string, Lane>();
  let total = 0;

  return {
    push(key, task) {
      let lane = lanes.get(key);
      if (lane && lane.pending >= maxPending) return false;
      if (!lane) {
        lane = { tail: Promise.resolve(), pending: 0 };
        lanes.set(key, lane);
      }
      const current = lane;
      current.pending++;
      total++;
      current.tail = current.tail
        .then(task)
        .catch((err: unknown) => {
          try {
            options.onError(err, key);
          } catch {
            // a failing error handler must not stall the lane
          }
        })
        .finally(() => {
          current.pending--;
          total--;
          if (current.pending === 0 && lanes.get(key) === current) lanes.delete(key);
        });
      return true;
    },
    size: () => total,
    async idle() {
      while (lanes.size > 0) await Promise.all([...lanes.values()].map((l) => l.tail));
    },
  };
}
