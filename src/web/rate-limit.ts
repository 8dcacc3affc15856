/**
 * Per-client request limits for the public POST routes (questions, chat turns, PAKN filings):
 * a fixed window per client address, in memory (one process; a load balancer's instances each
 * count their own). Behind a reverse proxy the address is read from X-Forwarded-For, but only
 * when the request comes from one of the configured proxies (TRUST_PROXY): otherwise anyone
 * could pick their own key.
 */
import { isIP } from "node:net";
import { HttpError } from "./errors.ts";
import { clientAddress, type Env, type Middleware } from "./http.ts";
import type { Context } from "hono";

export interface RateLimit {
  /** Requests allowed per client and window. */
  limit: number;
  windowMs: number;
}

/** Defaults per route class: generous for people, tight for scripts. */
export const RATE_LIMITS = {
  ask: { limit: 60, windowMs: 60_000 },
  chat: { limit: 60, windowMs: 60_000 },
  feedback: { limit: 10, windowMs: 60_000 },
} as const satisfies Record<string, RateLimit>;

export type RateLimitClass = keyof typeof RATE_LIMITS;

/** Keeps at most this many clients per class; the oldest windows are dropped first. */
const MAX_CLIENTS = 50_000;

const plain = (address: string) => address.replace(/^::ffff:/, "");

/**
 * The client's address: the socket's, or, when the socket is a trusted proxy, the right-most
 * X-Forwarded-For entry that is not itself a trusted proxy.
 */
export function clientKey(c: Context<Env>, trustedProxies: ReadonlySet<string>): string {
  const peer = plain(clientAddress(c));
  if (!trustedProxies.has(peer)) return peer;
  const hops = (c.req.header("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => plain(h.trim()))
    .filter((h) => isIP(h) !== 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trustedProxies.has(hops[i]!)) return hops[i]!;
  }
  return peer;
}

export interface RateLimiters {
  /** Middleware for one route class: 429 with Retry-After once the client used its window. */
  middleware(kind: RateLimitClass): Middleware;
}

export function createRateLimiters(opts: {
  now: () => Date;
  trustedProxies?: readonly string[];
  limits?: Partial<Record<RateLimitClass, RateLimit>>;
}): RateLimiters {
  const trusted = new Set((opts.trustedProxies ?? []).map(plain));

  return {
    middleware(kind) {
      const rate = opts.limits?.[kind];
      if (!rate) return (_c, next) => next();
      const { limit, windowMs } = rate;
      const clients = new Map<string, { start: number; count: number }>();
      return async (c, next) => {
        const t = opts.now().getTime();
        const key = clientKey(c, trusted);
        let w = clients.get(key);
        if (!w || t - w.start >= windowMs || t < w.start) {
          clients.delete(key);
          if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value!);
          w = { start: t, count: 0 };
          clients.set(key, w);
        }
        w.count++;
        if (w.count > limit) {
          const retry = Math.max(1, Math.ceil((w.start + windowMs - t) / 1000));
          throw new HttpError(429, "too_many_requests", undefined, {
            "Retry-After": String(retry),
          });
        }
        await next();
      };
    },
  };
}
