/**
 * The Zalo Official Account channel: webhook events in, customer-service messages out.
 *
 * Webhook (`handleWebhook`, mounted by src/web/channel-routes.ts on POST /webhooks/zalo):
 *   - `X-ZEvent-Signature` must be sha256(app_id + raw body + timestamp + OA secret key) in hex,
 *     with or without a "mac=" prefix, compared in constant time (401 otherwise);
 *   - the event's `timestamp` must be within `maxEventAgeMs` of the injected clock (401 stale);
 *   - a `message.msg_id` already accepted — by this instance or another one on the same database
 *     (processed-updates.ts) — is a replay: answered 200, not processed again;
 *   - `user_send_text` is processed after the 200 answer, one user's messages in order (per-user
 *     queue, events taken in the order they arrived), users in parallel; other event types are
 *     answered 200 and ignored.
 * Nothing is stored for a rejected event.
 *
 * Sending: the v3 CS message API with the access token from the token store (refreshed before
 * expiry, and once more when Zalo calls it invalid). Replies go through the reply outbox when one
 * is given (startChannels does): one try per piece, the outbox retries (`replyChannel`,
 * `classifyZaloFailure`). Notifications (`sendTo`), and replies without an outbox, retry network
 * errors, 5xx and rate limits a few times in process; a refusal for being outside the interaction
 * window is recorded in `channel_undelivered` for staff and not retried.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { SqlDatabase } from "../db/index.ts";
import { PermanentDeliveryError } from "../feedback/index.ts";
import type { Logger } from "../logger.ts";
import { createKeyedQueue } from "../util/index.ts";
import type { ReplyChannel, ReplyFailure, ReplyOutbox } from "./reply-outbox.ts";
import { createProcessedUpdates } from "./processed-updates.ts";
import { createSentPieces } from "./sent-pieces.ts";
import { maskUserId, runTurn } from "./turn.ts";
import type {
  Attachment,
  AttachmentKind,
  ChannelSender,
  DialogueCore,
  IncomingMessage,
  OutgoingMessage,
} from "./types.ts";
import { isHttpsLink } from "../util/index.ts";
import { createUndeliveredLog, type UndeliveredLog } from "./undelivered.ts";
import {
  actionFromZaloText,
  createZaloHttp,
  postCsMessage,
  toZaloMessages,
  ZALO_DEFAULT_API_BASE,
  ZALO_DEFAULT_OAUTH_BASE,
  ZALO_INTERACTION_WINDOW_MS,
  ZALO_TOKEN_ERRORS,
  ZALO_WINDOW_ERRORS,
  ZaloApiError,
  ZaloOutsideWindowError,
  type ZaloCsMessage,
} from "./zalo-api.ts";
import { createZaloTokenStore, type ZaloTokenStore } from "./zalo-token-store.ts";

export interface ZaloChannelOptions {
  appId: string;
  /** The OA secret key of the webhook signature. */
  oaSecretKey: string;
  /** The app's secret key (`secret_key` header of the token refresh). */
  appSecret: string;
  accessToken?: string | undefined;
  refreshToken: string;
  apiBase?: string | undefined;
  oauthBase?: string | undefined;
  core: DialogueCore;
  sql: SqlDatabase;
  logger: Logger;
  now?: () => Date;
  /** Where replies go (registered there as "zalo" by the caller); none: sent straight. */
  outbox?: Pick<ReplyOutbox, "send">;
  /** Pause between send retries (tests pass an instant one). */
  sleep?: (ms: number) => Promise<void>;
  /** Events older than this are refused. Default 5 minutes. */
  maxEventAgeMs?: number;
  /** Events dated this far in the future are refused. Default 5 minutes. */
  maxClockSkewMs?: number;
  turnTimeoutMs?: number;
  maxPendingPerUser?: number;
  refreshMarginMs?: number;
  /** Tries per message for retryable failures. Default 3. */
  sendAttempts?: number;
}

export type ZaloWebhookOutcome =
  | { status: 200; code: "accepted" | "duplicate" | "ignored" | "busy" }
  | { status: 400; code: "invalid_json" | "invalid_event" }
  | { status: 401; code: "bad_signature" | "stale_event" };

export interface ZaloChannel {
  /**
   * Checks and accepts one webhook delivery. Processing happens afterwards. Rejects only when
   * the database cannot record it (then nothing was accepted: Zalo may send it again).
   */
  handleWebhook(rawBody: Buffer, signatureHeader: string | undefined): Promise<ZaloWebhookOutcome>;
  /** Sends a notification; throws PermanentDeliveryError when retrying cannot help. */
  sendTo: ChannelSender;
  tokens: ZaloTokenStore;
  /** Messages refused for good, for staff. */
  undelivered: UndeliveredLog;
  /** What the reply outbox sends replies through. */
  replyChannel: ReplyChannel;
  /** Starts the periodic token check. */
  start(): void;
  /** Stops the timer and waits for the queued turns. */
  stop(): Promise<void>;
  /** Resolves when every accepted event has been processed. */
  idle(): Promise<void>;
}

/** sha256(app_id + raw body + timestamp + OA secret key), lowercase hex. */
export function zaloSignature(
  appId: string,
  rawBody: Buffer | string,
  timestamp: string,
  oaSecretKey: string,
): string {
  return createHash("sha256")
    .update(appId)
    .update(rawBody)
    .update(timestamp)
    .update(oaSecretKey)
    .digest("hex");
}

/** Compares a header value ("mac=<hex>" or "<hex>") with the expected digest in constant time. */
export function signatureMatches(header: string | undefined, expectedHex: string): boolean {
  if (header === undefined) return false;
  const supplied = header.trim().replace(/^mac=/i, "").trim().toLowerCase();
  const a = Buffer.from(supplied, "utf8");
  const b = Buffer.from(expectedHex, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Milliseconds since the epoch from Zalo's string timestamp (ms; 10 digits read as seconds). */
function parseTimestamp(text: string): number {
  if (!/^\d{1,16}$/.test(text)) return Number.NaN;
  const n = Number(text);
  return text.length <= 10 ? n * 1000 : n;
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);

const PRUNE_EVERY_MS = 60_000;
const TOKEN_CHECK_EVERY_MS = 10 * 60_000;

export function createZaloChannel(options: ZaloChannelOptions): ZaloChannel {
  const { core, sql, logger, appId, oaSecretKey } = options;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const maxAge = options.maxEventAgeMs ?? 5 * 60_000;
  const maxSkew = options.maxClockSkewMs ?? 5 * 60_000;
  const attempts = Math.max(1, options.sendAttempts ?? 3);
  const api = createZaloHttp(options.apiBase ?? ZALO_DEFAULT_API_BASE);
  const tokens = createZaloTokenStore({
    sql,
    oauth: createZaloHttp(options.oauthBase ?? ZALO_DEFAULT_OAUTH_BASE),
    appId,
    appSecret: options.appSecret,
    accessToken: options.accessToken,
    refreshToken: options.refreshToken,
    now,
    logger,
    ...(options.refreshMarginMs !== undefined ? { refreshMarginMs: options.refreshMarginMs } : {}),
  });
  const undelivered = createUndeliveredLog(sql, now);
  const sentPieces = createSentPieces();
  const queue = createKeyedQueue({
    maxPendingPerKey: options.maxPendingPerUser ?? 20,
    onError: (err, key) => logTurnError(err, key),
  });

  const processed = createProcessedUpdates(sql, "zalo");
  let lastPrune = 0;
  /** Settles once the last event accepted has been queued: events are queued in arrival order. */
  let arrival: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;

  function logTurnError(err: unknown, userId: string) {
    const user = maskUserId("zalo", userId);
    if (err instanceof ZaloOutsideWindowError) {
      logger.warn({ user, code: err.apiCode }, "zalo reply outside the interaction window");
    } else if (err instanceof ZaloApiError || err instanceof PermanentDeliveryError) {
      logger.error(
        { user, code: err instanceof ZaloApiError ? err.apiCode : err.code, msg: err.message },
        "zalo reply failed",
      );
    } else {
      logger.error({ err, user }, "zalo turn failed");
    }
  }

  function reject(
    status: 400 | 401,
    code: "invalid_json" | "invalid_event" | "bad_signature" | "stale_event",
    bytes: number,
  ): ZaloWebhookOutcome {
    logger.warn({ status, code, bytes }, "zalo webhook rejected");
    return { status, code } as ZaloWebhookOutcome;
  }

  async function handleWebhook(
    rawBody: Buffer,
    signatureHeader: string | undefined,
  ): Promise<ZaloWebhookOutcome> {
    const bytes = rawBody.length;
    let event: unknown;
    try {
      event = JSON.parse(rawBody.toString("utf8").replace(/^\uFEFF/, ""));
    } catch {
      return reject(400, "invalid_json", bytes);
    }
    if (!isObject(event)) return reject(400, "invalid_json", bytes);
    const timestamp =
      typeof event.timestamp === "string" || typeof event.timestamp === "number"
        ? String(event.timestamp)
        : "";
    const expected = zaloSignature(appId, rawBody, timestamp, oaSecretKey);
    if (!signatureMatches(signatureHeader, expected)) return reject(401, "bad_signature", bytes);

    const at = parseTimestamp(timestamp);
    if (!Number.isFinite(at)) return reject(400, "invalid_event", bytes);
    const nowMs = now().getTime();
    if (nowMs - at > maxAge || at - nowMs > maxSkew) return reject(401, "stale_event", bytes);

    const name = typeof event.event_name === "string" ? event.event_name : "";
    const kind = ZALO_ATTACHMENT_EVENTS[name];
    if (name !== "user_send_text" && !kind) {
      logger.debug({ event: name.slice(0, 64) }, "zalo event ignored");
      return { status: 200, code: "ignored" };
    }
    const sender = isObject(event.sender) ? event.sender.id : undefined;
    const message = isObject(event.message) ? event.message : {};
    const { text, msg_id: msgId } = message;
    if (
      typeof sender !== "string" ||
      !/^\d{1,32}$/.test(sender) ||
      (kind ? text !== undefined && typeof text !== "string" : typeof text !== "string") ||
      typeof msgId !== "string" ||
      msgId === "" ||
      msgId.length > 128
    ) {
      return reject(400, "invalid_event", bytes);
    }

    const received = now();
    if (received.getTime() - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = received.getTime();
      const before = new Date(received.getTime() - 2 * (maxAge + maxSkew));
      processed.prune(before).catch((err: unknown) => {
        logger.warn({ err }, "zalo replay ids not pruned; the next minute tries again");
      });
    }
    // Taken in the database now; queued after the events that arrived before this one.
    const taking = processed.take(msgId, received);
    const earlier = arrival;
    let queuedInTurn!: () => void;
    arrival = new Promise((resolve) => (queuedInTurn = resolve));
    try {
      const first = await taking;
      await earlier;
      if (!first) {
        logger.info({ user: maskUserId("zalo", sender) }, "zalo replay ignored");
        return { status: 200, code: "duplicate" };
      }
      return await enqueue(sender, msgId, kind, message, text);
    } finally {
      queuedInTurn();
    }
  }

  async function enqueue(
    sender: string,
    msgId: string,
    kind: AttachmentKind | undefined,
    message: Record<string, unknown>,
    text: unknown,
  ): Promise<ZaloWebhookOutcome> {
    const queued = queue.push(sender, () =>
      kind
        ? turnWith(sender, {
            channel: "zalo",
            userId: sender,
            attachment: zaloAttachment(kind, message),
          })
        : turn(sender, text as string),
    );
    if (!queued) {
      // Not processed, so not remembered: a resend of this event is handled, not called a replay.
      await processed.forget(msgId);
      logger.warn({ user: maskUserId("zalo", sender) }, "zalo user has too many pending messages");
      return { status: 200, code: "busy" };
    }
    return { status: 200, code: "accepted" };
  }

  async function turn(userId: string, text: string): Promise<void> {
    const action = actionFromZaloText(text);
    const msg: IncomingMessage =
      action !== null ? { channel: "zalo", userId, action } : { channel: "zalo", userId, text };
    await turnWith(userId, msg);
  }

  async function turnWith(userId: string, msg: IncomingMessage): Promise<void> {
    const replies = await runTurn(core, msg, {
      logger,
      ...(options.turnTimeoutMs !== undefined ? { timeoutMs: options.turnTimeoutMs } : {}),
    });
    if (options.outbox) await options.outbox.send("zalo", userId, replies);
    else for (const reply of replies) await deliver(userId, reply);
  }

  async function sendOne(userId: string, message: ZaloCsMessage, tries: number): Promise<void> {
    let token = await tokens.accessToken();
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      try {
        await postCsMessage(api, token, userId, message);
        return;
      } catch (err) {
        if (!(err instanceof ZaloApiError)) throw err;
        if (typeof err.apiCode === "number" && ZALO_TOKEN_ERRORS.has(err.apiCode) && !refreshed) {
          refreshed = true;
          token = await tokens.refresh(token);
          attempt--;
          continue;
        }
        if (err.retryable && attempt < tries) {
          await sleep(500 * 2 ** (attempt - 1));
          continue;
        }
        throw err;
      }
    }
  }

  async function sendParts(
    userId: string,
    parts: readonly ZaloCsMessage[],
    from: number,
    sent: (count: number) => Promise<void> | void,
    tries: number,
  ): Promise<void> {
    for (let i = from; i < parts.length; i++) {
      await sendOne(userId, parts[i]!, tries);
      await sent(i + 1);
    }
  }

  /** Sends every piece of `message`; records what is left when Zalo refuses for good. */
  async function deliver(userId: string, message: OutgoingMessage, key?: string): Promise<void> {
    const parts = toZaloMessages(message);
    let sent = sentPieces.from(key);
    try {
      await sendParts(
        userId,
        parts,
        sent,
        (n) => {
          sent = n;
          sentPieces.record(key, n);
        },
        attempts,
      );
    } catch (err) {
      const failure = classifyZaloFailure(err);
      if (failure.retry || !(err instanceof ZaloApiError)) throw err;
      sentPieces.done(key);
      await undelivered.record({
        channel: "zalo",
        userId,
        reason: failure.reason,
        errorCode: failure.code,
        text: parts
          .slice(sent)
          .map((p) => p.text)
          .join("\n\n"),
      });
      if (failure.reason === "outside_window")
        throw new ZaloOutsideWindowError(err.apiCode as number, err.method);
      throw new PermanentDeliveryError(err.message);
    }
    sentPieces.done(key);
  }

  const replyChannel: ReplyChannel = {
    pieces: (message) => toZaloMessages(message).map((p) => p.text),
    deliver: (userId, message, from, sent) =>
      sendParts(userId, toZaloMessages(message), from, sent, 1),
    classify: classifyZaloFailure,
    maxAgeMs: ZALO_INTERACTION_WINDOW_MS,
  };

  return {
    handleWebhook,
    async sendTo(userId, message, meta) {
      try {
        await deliver(userId, message, meta?.idempotencyKey);
      } catch (err) {
        logTurnError(err, userId);
        throw err;
      }
    },
    tokens,
    undelivered,
    replyChannel,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        tokens
          .needsRefresh()
          .then((needed) => (needed ? tokens.refresh() : undefined))
          .catch(() => {
            // logged by the token store (or the database was busy); the next check tries again
          });
      }, TOKEN_CHECK_EVERY_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await queue.idle();
    },
    idle: () => queue.idle(),
  };
}

/**
 * A failed CS message: network trouble, 5xx, rate limits and token trouble (ours, not the
 * citizen's) are retried; outside the interaction window, or any other refusal, is given up.
 */
export function classifyZaloFailure(err: unknown): ReplyFailure {
  if (!(err instanceof ZaloApiError)) return { retry: true, code: "error" };
  const code = String(err.apiCode);
  if (err.retryable || err.method !== "message/cs") return { retry: true, code };
  if (typeof err.apiCode === "number" && ZALO_TOKEN_ERRORS.has(err.apiCode)) {
    return { retry: true, code };
  }
  if (typeof err.apiCode === "number" && ZALO_WINDOW_ERRORS.has(err.apiCode)) {
    return { retry: false, code, reason: "outside_window" };
  }
  return { retry: false, code, reason: "rejected" };
}

/** Zalo's events for what is not text, and the kind each carries. */
const ZALO_ATTACHMENT_EVENTS: Partial<Record<string, AttachmentKind>> = {
  user_send_image: "photo",
  user_send_gif: "video",
  user_send_sticker: "sticker",
  user_send_file: "file",
  user_send_audio: "audio",
  user_send_video: "video",
  user_send_location: "location",
  user_send_business_card: "other",
};

/** The attachment of a Zalo event: its kind, caption, and first https link (photos, files). */
function zaloAttachment(kind: AttachmentKind, message: Record<string, unknown>): Attachment {
  const list = Array.isArray(message.attachments) ? (message.attachments as unknown[]) : [];
  const first = list.find(isObject);
  const payload = first && isObject(first.payload) ? first.payload : {};
  return {
    kind,
    ...(typeof message.text === "string" && message.text ? { caption: message.text } : {}),
    ...(isHttpsLink(payload.url) ? { url: payload.url } : {}),
  };
}
