/**
 * A fake Zalo OA server on 127.0.0.1 (port 0) for tests and the bench: the v3 CS message API and
 * the v4 OA token endpoint on one origin (use its `base` as ZALO_API_BASE and ZALO_OAUTH_BASE).
 *
 * Tokens behave like Zalo's: one valid access token at a time, and a single-use refresh token that
 * a successful refresh replaces. Requests are recorded; the next CS calls can be scripted to fail
 * (Zalo error codes with HTTP 200, or HTTP 5xx), and refreshes can be held open to test that
 * concurrent refreshes make one call. Also signs webhook events as Zalo does.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { replyJson } from "./reply-json.ts";

export const FAKE_ZALO_APP_ID = "3608465248940903967";
export const FAKE_ZALO_OA_SECRET = "oa-secret-KEY-never-logged";
export const FAKE_ZALO_APP_SECRET = "app-secret-KEY-never-logged";

/** The Zalo settings of an OA on a fake at `base` (seeded with AT-0 / RT-0). */
export function fakeZaloSettings(base: string) {
  return {
    appId: FAKE_ZALO_APP_ID,
    oaSecretKey: FAKE_ZALO_OA_SECRET,
    appSecret: FAKE_ZALO_APP_SECRET,
    accessToken: "AT-0",
    refreshToken: "RT-0",
    apiBase: base,
    oauthBase: base,
  };
}

export interface ZaloRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The form fields of a token request. */
  form?: Record<string, string>;
}

export type ZaloScript = { error: number; message?: string } | { httpStatus: number };

export interface FakeZalo {
  base: string;
  requests: ZaloRequest[];
  /** CS messages accepted (error 0), in order. */
  sent(): { userId: string; message: Record<string, unknown> }[];
  refreshCalls(): ZaloRequest[];
  /** The tokens currently valid. */
  accessToken: string;
  refreshToken: string;
  /** Sets the valid pair (as an OA admin granting access would). */
  grant(accessToken: string, refreshToken: string): void;
  /** The next CS calls answer these, one each. */
  scriptCs(...answers: ZaloScript[]): void;
  /** Holds token refreshes until the returned function is called. */
  holdRefreshes(): () => void;
  /** Calls `listener` with every CS message accepted from now on (benchmarks). */
  onSent(listener: (userId: string, message: Record<string, unknown>) => void): void;
  /** Stops listening (connections refused, open ones cut) until `up()`: the platform is down. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Resolves when `n` CS messages have been accepted. */
  waitForSent(n: number): Promise<void>;
  /** Resolves when `n` requests match. */
  waitForRequests(predicate: (r: ZaloRequest) => boolean, n: number): Promise<void>;
  close(): Promise<void>;
}

export function signZaloEvent(
  rawBody: string,
  timestamp: string,
  appId = FAKE_ZALO_APP_ID,
  secret = FAKE_ZALO_OA_SECRET,
): string {
  return `mac=${createHash("sha256")
    .update(appId + rawBody + timestamp + secret)
    .digest("hex")}`;
}

/** A `user_send_text` event as Zalo posts it (ids and timestamp are strings). */
export function textEvent(options: {
  userId: string;
  text: string;
  msgId: string;
  at: Date;
  appId?: string;
}): Record<string, unknown> {
  return {
    app_id: options.appId ?? FAKE_ZALO_APP_ID,
    sender: { id: options.userId },
    recipient: { id: "388613280878808645" },
    user_id_by_app: `9${options.userId}`,
    event_name: "user_send_text",
    message: { text: options.text, msg_id: options.msgId },
    timestamp: String(options.at.getTime()),
  };
}

export async function startFakeZalo(
  options: { accessToken?: string; refreshToken?: string; expiresIn?: string } = {},
): Promise<FakeZalo> {
  const requests: ZaloRequest[] = [];
  const accepted: { userId: string; message: Record<string, unknown> }[] = [];
  const script: ZaloScript[] = [];
  let holding: Promise<void> | null = null;
  let waiters: { check: () => boolean; resolve: () => void }[] = [];
  let generation = 0;
  const listeners: ((userId: string, message: Record<string, unknown>) => void)[] = [];
  const state = {
    accessToken: options.accessToken ?? "AT-0",
    refreshToken: options.refreshToken ?? "RT-0",
  };

  const notify = () => {
    waiters = waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const path = (req.url ?? "").split("?")[0]!;
        const reply = (status: number, value: unknown) => replyJson(res, status, value);
        if (path === "/v4/oa/access_token") {
          const form = Object.fromEntries(new URLSearchParams(text));
          const request = { path, headers: req.headers, body: {}, form };
          requests.push(request);
          notify();
          if (holding) await holding;
          if (
            req.headers.secret_key !== FAKE_ZALO_APP_SECRET ||
            form.app_id !== FAKE_ZALO_APP_ID ||
            form.grant_type !== "refresh_token"
          ) {
            return reply(200, { error: -14002, error_name: "Invalid app" });
          }
          if (form.refresh_token !== state.refreshToken) {
            return reply(200, { error: -14014, error_name: "Invalid refresh token" });
          }
          generation++;
          state.accessToken = `AT-${generation}`;
          state.refreshToken = `RT-${generation}`;
          return reply(200, {
            access_token: state.accessToken,
            refresh_token: state.refreshToken,
            expires_in: options.expiresIn ?? "90000",
          });
        }
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // recorded as empty
        }
        requests.push({ path, headers: req.headers, body });
        if (path !== "/v3.0/oa/message/cs") {
          notify();
          return reply(404, { error: 404, message: "not found" });
        }
        const next = script.shift();
        if (next && "httpStatus" in next) {
          notify();
          return reply(next.httpStatus, { message: "upstream error" });
        }
        if (next) {
          notify();
          return reply(200, { error: next.error, message: next.message ?? "scripted" });
        }
        if (req.headers.access_token !== state.accessToken) {
          notify();
          return reply(200, { error: -216, message: "Access token is invalid" });
        }
        const recipient = body.recipient as { user_id?: string } | undefined;
        const sent = {
          userId: recipient?.user_id ?? "",
          message: body.message as Record<string, unknown>,
        };
        accepted.push(sent);
        for (const l of listeners) l(sent.userId, sent.message);
        notify();
        return reply(200, {
          error: 0,
          message: "Success",
          data: { message_id: `m${accepted.length}`, user_id: recipient?.user_id },
        });
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const wait = (check: () => boolean) =>
    new Promise<void>((resolve) => {
      if (check()) resolve();
      else waiters.push({ check, resolve });
    });

  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    sent: () => accepted,
    refreshCalls: () => requests.filter((r) => r.path === "/v4/oa/access_token"),
    get accessToken() {
      return state.accessToken;
    },
    get refreshToken() {
      return state.refreshToken;
    },
    grant(accessToken, refreshToken) {
      state.accessToken = accessToken;
      state.refreshToken = refreshToken;
    },
    scriptCs(...answers) {
      script.push(...answers);
    },
    holdRefreshes() {
      let release!: () => void;
      holding = new Promise<void>((resolve) => (release = resolve));
      return () => {
        holding = null;
        release();
      };
    },
    onSent(listener) {
      listeners.push(listener);
    },
    waitForSent: (n) => wait(() => accepted.length >= n),
    waitForRequests: (predicate, n) => wait(() => requests.filter(predicate).length >= n),
    async down() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async up() {
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
