/** Counts the updates being processed, so that stop() and tests can wait until none is. */
export interface InFlight {
  begin(): void;
  end(): void;
  /** Resolves when no update is being processed. */
  idle(): Promise<void>;
}

export function createInFlight(): InFlight {
  let running = 0;
  let waiters: (() => void)[] = [];
  return {
    begin() {
      running++;
    },
    end() {
      running--;
      if (running > 0) return;
      const woken = waiters;
      waiters = [];
      for (const w of woken) w();
    },
    idle() {
      if (running === 0) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}
