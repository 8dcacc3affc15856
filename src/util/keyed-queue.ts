/**
 * Per-key sequencing: tasks with the same key (one user, one ticket) run one after the other, in
 * the order they were queued; tasks with different keys run in parallel. A failing task does not
 * stop the key's next one.
 *
 *   const turns = createKeyedQueue<string>();
 *   const out = await turns.run(userKey, () => handleTurn(msg));    // waits, gives the result
 *
 *   const inbox = createKeyedQueue<string>({ maxPendingPerKey: 20, onError });
 *   if (!inbox.push(userKey, () => reply(msg))) tooBusy();          // fire and forget, bounded
 */

export interface KeyedQueue<K = string> {
  /** Runs `task` after the key's earlier tasks; settles as the task does. Never refused. */
  run<T>(key: K, task: () => T | Promise<T>): Promise<T>;
  /**
   * Queues `task` without waiting for it; false (not queued) when the key already has
   * `maxPendingPerKey` tasks queued or running. Its error goes to `onError`.
   */
  push(key: K, task: () => Promise<void>): boolean;
  /** Tasks queued or running, all keys. */
  size(): number;
  /** Resolves once every task queued so far (and any they queue) has finished. */
  idle(): Promise<void>;
}

export interface KeyedQueueOptions<K = string> {
  /** Tasks one key may have queued or running before `push` refuses more. Default 20. */
  maxPendingPerKey?: number;
  /** Called with the error of a task queued by `push`. Default: ignored. */
  onError?: (err: unknown, key: K) => void;
}

interface Lane {
  tail: Promise<void>;
  pending: number;
}

export function createKeyedQueue<K = string>(options: KeyedQueueOptions<K> = {}): KeyedQueue<K> {
  const maxPending = options.maxPendingPerKey ?? 20;
  const lanes = new Map<K, Lane>();
  let total = 0;

  function run<T>(key: K, task: () => T | Promise<T>): Promise<T> {
    let lane = lanes.get(key);
    if (!lane) {
      lane = { tail: Promise.resolve(), pending: 0 };
      lanes.set(key, lane);
    }
    const current = lane;
    current.pending++;
    total++;
    const result = current.tail.then(task);
    current.tail = result.then(
      () => done(key, current),
      () => done(key, current),
    );
    return result;
  }

  function done(key: K, lane: Lane): void {
    lane.pending--;
    total--;
    if (lane.pending === 0 && lanes.get(key) === lane) lanes.delete(key);
  }

  return {
    run,
    push(key, task) {
      if ((lanes.get(key)?.pending ?? 0) >= maxPending) return false;
      run(key, task).catch((err: unknown) => {
        try {
          options.onError?.(err, key);
        } catch {
          // a failing error handler must not stall anything
        }
      });
      return true;
    },
    size: () => total,
    async idle() {
      while (lanes.size > 0) await Promise.all([...lanes.values()].map((l) => l.tail));
    },
  };
}
