/**
 * getMe at start until it answers: network trouble, 429 and 5xx are retried with backoff (1 s,
 * doubling, up to 1 min), a wrong token is not. `cancel` (stop) ends a waiting start at once.
 */
import { GrammyError, type Bot } from "grammy";

export interface BotInfoLoader {
  /** Sets `bot.botInfo`; throws the last error after `attempts` tries or when cancelled. */
  load(): Promise<void>;
  cancel(): void;
}

export function createBotInfoLoader(bot: Bot, attempts = Number.POSITIVE_INFINITY): BotInfoLoader {
  let stopped = false;
  let wakeUp: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });

  return {
    async load() {
      stopped = false;
      for (let attempt = 1; ; attempt++) {
        try {
          bot.botInfo = await bot.api.getMe();
          return;
        } catch (err) {
          const permanent =
            err instanceof GrammyError && err.error_code < 500 && err.error_code !== 429;
          if (permanent || stopped || attempt >= attempts) throw err;
          await pause(Math.min(1000 * 2 ** (attempt - 1), 60_000));
          if (stopped) throw new Error("stopped while starting");
        }
      }
    },
    cancel() {
      stopped = true;
      wakeUp?.();
    },
  };
}
