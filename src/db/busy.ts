/**
 * Waiting for SQLite's write lock without blocking the event loop.
 *
 * better-sqlite3 is synchronous: while another connection (the CLI, a backup, an admin's
 * `sqlite3`) holds the write lock, a write waits out `busy_timeout` on the event loop, and every
 * request waits with it. The server's connection therefore waits only SERVER_BUSY_TIMEOUT_MS;
 * past that SQLite answers SQLITE_BUSY and the write goes through a `WriteGate`: it is tried again
 * after an asynchronous pause (backoff), until its budget is spent, then rejected with
 * `DatabaseBusyError` (503 on the web, a skipped tick for timers).
 *
 * One gate per connection. While writes wait, the gate tries only the oldest of them, once per
 * pause (10 ms doubling to 250 ms), so a hundred waiting writes do not each block the loop for the
 * busy timeout; once it goes through, the others follow in order. Until the pause after a busy
 * answer is over, no write is tried at all. Reads need no gate: in WAL mode a writer does not
 * block readers.
 */
import { MotcuaError } from "../errors.ts";

/** busy_timeout of the server's connection: the longest a write blocks the event loop. */
export const SERVER_BUSY_TIMEOUT_MS = 20;
/** Budget of a write on a request path (filing a case, a dialogue turn). */
export const REQUEST_WRITE_BUDGET_MS = 5_000;

/** The database stayed locked by another connection for the whole retry budget. */
export class DatabaseBusyError extends MotcuaError {
  readonly code = "database_busy";
  constructor(
    /** Attempts made. */
    readonly attempts: number,
    /** Milliseconds waited between them. */
    readonly waitedMs: number,
    options?: ErrorOptions,
  ) {
    super(
      `The database is locked by another connection (${attempts} attempts over ${waitedMs} ms)`,
      options,
    );
  }
}

/** SQLITE_BUSY or SQLITE_LOCKED (and their extended codes) from better-sqlite3, or the gate's error. */
export function isBusyError(err: unknown): boolean {
  if (err instanceof DatabaseBusyError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code);
}

export interface WriteGateOptions {
  /** Default budget of a write (`run` may give its own). Default REQUEST_WRITE_BUDGET_MS. */
  budgetMs?: number;
  /** First pause after a busy answer; doubled after each, up to `maxDelayMs`. Default 10. */
  firstDelayMs?: number;
  /** Default 250. */
  maxDelayMs?: number;
  /** Milliseconds, monotonic. Default performance.now. */
  clock?: () => number;
  /** Resolves after `ms` without blocking. Default setTimeout. Tests pass one that moves `clock`. */
  sleep?: (ms: number) => Promise<void>;
}

export interface WriteGate {
  /**
   * Runs `op` — one statement or one transaction; never call it inside a transaction, as `op` may
   * run later. At once when no write is waiting and the lock was not just found taken, else after
   * the writes before it. On SQLITE_BUSY it is tried again after a pause, until `budgetMs` has
   * passed, then rejected with DatabaseBusyError (nothing written). Budget 0: one attempt, none
   * while the lock is known to be taken (a timer's tick, skipped then). Other errors reject at once.
   */
  run<T>(op: () => T, options?: { budgetMs?: number }): Promise<T>;
  /** Writes waiting for the lock. */
  readonly waiting: number;
  /** Writes are waiting, or the lock was just found taken: a timer's tick had better skip. */
  readonly busy: boolean;
}

interface Waiter {
  op: () => unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  queuedAt: number;
  deadline: number;
  attempts: number;
}

/** Work between two yields to the event loop when many waiting writes go through at once. */
const SLICE_MS = 10;

export function createWriteGate(options: WriteGateOptions = {}): WriteGate {
  const defaultBudget = options.budgetMs ?? REQUEST_WRITE_BUDGET_MS;
  const firstDelay = options.firstDelayMs ?? 10;
  const maxDelay = options.maxDelayMs ?? 250;
  const clock = options.clock ?? (() => performance.now());
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const queue: Waiter[] = [];
  let draining = false;
  /** Pause before the next attempt, and until when no attempt is made (the lock was taken). */
  let delay = firstDelay;
  let lockedUntil = Number.NEGATIVE_INFINITY;

  const found = (busy: boolean) => {
    if (busy) {
      lockedUntil = clock() + delay;
      delay = Math.min(delay * 2, maxDelay);
    } else {
      delay = firstDelay;
      lockedUntil = Number.NEGATIVE_INFINITY;
    }
  };
  const locked = () => clock() < lockedUntil;
  const busyError = (w: Pick<Waiter, "attempts" | "queuedAt">, cause?: unknown) =>
    new DatabaseBusyError(w.attempts, Math.round(clock() - w.queuedAt), { cause });

  /** Tries the waiting writes in order, for one slice or until the lock is found taken. */
  function runWaiting(): void {
    const sliceEnd = clock() + SLICE_MS;
    while (queue.length > 0 && clock() <= sliceEnd) {
      const w = queue[0]!;
      w.attempts++;
      try {
        const value = w.op();
        queue.shift();
        found(false);
        w.resolve(value);
      } catch (err) {
        if (!isBusyError(err)) {
          queue.shift();
          w.reject(err);
          continue;
        }
        found(true);
        // Whoever is out of budget gives up; the others wait for the next attempt.
        const now = clock();
        for (let i = queue.length - 1; i >= 0; i--) {
          const x = queue[i]!;
          if (now >= x.deadline) {
            queue.splice(i, 1);
            x.reject(busyError(x, err));
          }
        }
        return;
      }
    }
  }

  async function drain(): Promise<void> {
    draining = true;
    try {
      while (queue.length > 0) {
        // At least a yield between two slices; the pause when the lock was found taken.
        await sleep(Math.max(0, lockedUntil - clock()));
        runWaiting();
      }
    } finally {
      draining = false;
    }
  }

  return {
    run<T>(op: () => T, runOptions: { budgetMs?: number } = {}): Promise<T> {
      const budgetMs = Math.max(0, runOptions.budgetMs ?? defaultBudget);
      const queuedAt = clock();
      let attempts = 0;
      if (queue.length === 0 && !locked()) {
        attempts = 1;
        try {
          const value = op();
          found(false);
          return Promise.resolve(value);
        } catch (err) {
          if (!isBusyError(err)) return Promise.reject(err);
          found(true);
          if (budgetMs === 0) return Promise.reject(busyError({ attempts, queuedAt }, err));
        }
      } else if (budgetMs === 0) {
        return Promise.reject(busyError({ attempts, queuedAt }));
      }
      return new Promise<T>((resolve, reject) => {
        queue.push({
          op,
          resolve: resolve as (value: unknown) => void,
          reject,
          queuedAt,
          deadline: queuedAt + budgetMs,
          attempts,
        });
        if (!draining) void drain();
      });
    },
    get waiting() {
      return queue.length;
    },
    get busy() {
      return queue.length > 0 || locked();
    },
  };
}
