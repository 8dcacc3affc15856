/**
 * Time for code that pauses through an injected `sleep` and reads an injected `clock` (the write
 * gate, src/db/busy.ts): nothing waits for real time.
 *
 * - `manualTime()`: sleeps wait until the test moves the clock (`advance`).
 * - `instantTime()`: every sleep moves the clock at once by its duration (a budget runs out as
 *   fast as the code can spend it).
 */
export interface ManualTime {
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Moves the clock by `ms`, wakes the sleeps due, and lets what they start run. */
  advance(ms: number): Promise<void>;
  /** Sleeps not yet woken. */
  pending(): number;
}

/** Lets promise chains started by woken sleeps run to their next pause. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export function manualTime(): ManualTime {
  let now = 0;
  let timers: { at: number; wake: () => void }[] = [];
  return {
    clock: () => now,
    sleep: (ms) => new Promise<void>((wake) => timers.push({ at: now + ms, wake })),
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        await settle();
        const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at);
        if (due.length === 0) break;
        const first = due[0]!;
        now = Math.max(now, first.at);
        timers = timers.filter((t) => t !== first);
        first.wake();
      }
      now = until;
      await settle();
    },
    pending: () => timers.length,
  };
}

export function instantTime(): Pick<ManualTime, "clock" | "sleep"> {
  let now = 0;
  return {
    clock: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
}
