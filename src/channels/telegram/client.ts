/**
 * The Bot API client: a grammY `Bot` over a bounded socket pool, 429 and 5xx answers retried per
 * retry_after by @grammyjs/auto-retry, and a transformer that logs what is left after the retries.
 * Replies to citizens use `replyApi` instead: the same pool, no auto-retry (the reply outbox
 * retries, src/channels/reply-outbox.ts, so the two never wait on each other) and a short timeout,
 * so that a hung request does not hold up the chat.
 */
import http from "node:http";
import https from "node:https";
import { autoRetry } from "@grammyjs/auto-retry";
import { Api, Bot, GrammyError, HttpError, type Transformer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { scrubSecrets, type Logger } from "../../logger.ts";

export interface TelegramClientOptions {
  token: string;
  /** Bot API root; default https://api.telegram.org (tests: the fake server). */
  apiRoot?: string | undefined;
  logger: Logger;
  /** Skips getMe (tests). */
  botInfo?: UserFromGetMe;
  /** Connections to the Bot API at most. Default 64. */
  maxSockets?: number;
  /** auto-retry limits. Default 3 retries, retry_after up to 60 s. */
  retry?: { maxRetryAttempts?: number; maxDelaySeconds?: number };
  /** Time limit of one reply request (`replyApi`). Default 15 s. */
  replyTimeoutSeconds?: number;
}

export interface TelegramClient {
  bot: Bot;
  /** For replies through the outbox: tries once, gives up after `replyTimeoutSeconds`. */
  replyApi: Api;
  /** Closes the pool's sockets. */
  close(): void;
}

/** Safe to log: method, code and description, never the payload (it holds the citizen's text). */
export function describeTelegramError(err: unknown): Record<string, unknown> {
  if (err instanceof GrammyError) {
    return { method: err.method, code: err.error_code, description: err.description };
  }
  if (err instanceof HttpError) return { network: scrubSecrets(err.message) };
  if (err instanceof Error) return { error: `${err.name}: ${scrubSecrets(err.message)}` };
  return { error: "unknown" };
}

export function createTelegramClient(options: TelegramClientOptions): TelegramClient {
  const { logger } = options;
  const apiRoot = (options.apiRoot ?? "https://api.telegram.org").replace(/\/+$/, "");
  // A bounded pool: a burst of replies must queue here, not open a thousand sockets at once.
  const agentOptions = { keepAlive: true, noDelay: true, maxSockets: options.maxSockets ?? 64 };
  const agent = apiRoot.startsWith("https:")
    ? new https.Agent(agentOptions)
    : new http.Agent(agentOptions);
  const bot = new Bot(options.token, {
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    client: { apiRoot, baseFetchConfig: { agent } },
  });

  bot.api.config.use(
    autoRetry({
      maxRetryAttempts: options.retry?.maxRetryAttempts ?? 3,
      maxDelaySeconds: options.retry?.maxDelaySeconds ?? 60,
      // auto-retry would retry network failures without a bound: fail fast instead (the runner
      // retries getUpdates itself; a notification is retried by the outbox dispatcher).
      rethrowHttpErrors: true,
    }),
  );
  // Outside auto-retry: logs what is left after the retries.
  bot.api.config.use(logFailures(logger));
  const replyApi = new Api(options.token, {
    apiRoot,
    baseFetchConfig: { agent },
    timeoutSeconds: options.replyTimeoutSeconds ?? 15,
  });
  replyApi.config.use(logFailures(logger));

  return { bot, replyApi, close: () => agent.destroy() };
}

function logFailures(logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const res = await prev(method, payload, signal);
      if (!res.ok) {
        logger.warn(
          { method, code: res.error_code, description: res.description },
          "telegram api error",
        );
      }
      return res;
    } catch (err) {
      if (!signal?.aborted)
        logger.warn({ method, ...describeTelegramError(err) }, "telegram api failed");
      throw err;
    }
  };
}
