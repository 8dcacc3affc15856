/**
 * The Zalo OA HTTP API as the channel uses it: the v3 customer-service ("tư vấn") message
 * endpoint, the OA token refresh, their error codes, and the one function that turns an
 * `OutgoingMessage` into Zalo messages.
 *
 * Zalo answers application errors with HTTP 200 and `{ error: <non-zero>, message }`. Errors thrown
 * from here carry the code and method only: never the request (its header holds the access token,
 * its body the citizen's text).
 */
import http from "node:http";
import https from "node:https";
import axios, { type AxiosInstance } from "axios";
import { MotcuaError } from "../errors.ts";
import { PermanentDeliveryError } from "../feedback/index.ts";
import { splitMessage, ZALO_TEXT_LIMIT } from "./split.ts";
import { isValidAction } from "./turn.ts";
import type { OutgoingMessage } from "./types.ts";

export const ZALO_DEFAULT_API_BASE = "https://openapi.zalo.me";
export const ZALO_DEFAULT_OAUTH_BASE = "https://oauth.zaloapp.com";
export const ZALO_CS_MESSAGE_PATH = "/v3.0/oa/message/cs";
export const ZALO_TOKEN_PATH = "/v4/oa/access_token";

/** "User has not interacted with the OA in the past 7 days": outside the interaction window. */
export const ZALO_ERROR_OUTSIDE_WINDOW = -230;
/** "User has not interacted with the OA, or the last interaction has expired." */
export const ZALO_ERROR_INTERACTION_EXPIRED = -232;
/**
 * How long after the citizen's last message the OA may answer with CS messages (Zalo: 7 days;
 * the first 8 replies within 48 h are free). A reply not out by then is given up.
 */
export const ZALO_INTERACTION_WINDOW_MS = 7 * 86_400_000;
/** Refusals that retrying cannot cure until the citizen writes to the OA again. */
export const ZALO_WINDOW_ERRORS: ReadonlySet<number> = new Set([
  ZALO_ERROR_OUTSIDE_WINDOW,
  ZALO_ERROR_INTERACTION_EXPIRED,
]);
/** Access token invalid (-216), expired or removed (-220), invalid (-124): refresh, retry once. */
export const ZALO_TOKEN_ERRORS: ReadonlySet<number> = new Set([-216, -220, -124]);
/** "Your application/OA reached limit call api": worth a retry after a pause. */
export const ZALO_RATE_LIMIT_ERRORS: ReadonlySet<number> = new Set([-32]);

/** Buttons one message carries; more are sent in follow-up messages. */
export const ZALO_MAX_BUTTONS = 5;
export const ZALO_BUTTON_TITLE_MAX = 100;
/**
 * A button press comes back as a (hidden) text message holding the button's payload: the prefix
 * tells it apart from what a citizen types. Anyone typing it only "presses" a button.
 */
export const ZALO_ACTION_PREFIX = "#mc:";
const MORE_CHOICES_TEXT = "Các lựa chọn khác:";
const CHOOSE_TEXT = "Mời bạn chọn:";

/** A Zalo API call failed; `apiCode` says how (Zalo's own code, or what happened on the way). */
export class ZaloApiError extends MotcuaError {
  readonly code = "zalo_api_failed";
  constructor(
    /** Zalo's error code, or "network" / "http_<status>" / "invalid_response". */
    readonly apiCode: number | string,
    readonly method: string,
    message: string,
    /** Whether the same call may succeed later (network, 5xx, rate limit). */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** The citizen is outside the interaction window: recorded as undelivered, never retried. */
export class ZaloOutsideWindowError extends PermanentDeliveryError {
  override readonly code = "zalo_outside_window";
  constructor(
    /** Zalo's error code (-230, -232…). */
    readonly apiCode: number,
    readonly method: string,
  ) {
    super(`Zalo refused the message: outside the interaction window (${apiCode})`);
  }
}

export interface ZaloButton {
  title: string;
  type: "oa.query.hide";
  payload: string;
}

/** The `message` object of a customer-service message. */
export interface ZaloCsMessage {
  text: string;
  attachment?: { type: "template"; payload: { buttons: ZaloButton[] } };
}

/**
 * An OutgoingMessage as Zalo CS messages: the text split at 2,000 characters, the buttons (rows
 * flattened, at most five a message) on the last piece as `oa.query.hide` buttons whose payload is
 * ZALO_ACTION_PREFIX + action; buttons beyond five follow in further messages. Buttons with an
 * action that is not short ASCII are left out.
 */
export function toZaloMessages(message: OutgoingMessage): ZaloCsMessage[] {
  const pieces = splitMessage(message.text, ZALO_TEXT_LIMIT);
  const buttons: ZaloButton[] = (message.buttons ?? [])
    .flat()
    .filter((b) => isValidAction(b.action))
    .map((b) => ({
      title: truncate(b.label.trim() || b.action, ZALO_BUTTON_TITLE_MAX),
      type: "oa.query.hide",
      payload: ZALO_ACTION_PREFIX + b.action,
    }));
  if (buttons.length > 0 && pieces.length === 0) pieces.push(CHOOSE_TEXT);
  const out: ZaloCsMessage[] = pieces.map((text) => ({ text }));
  for (let i = 0; i < buttons.length; i += ZALO_MAX_BUTTONS) {
    const group = buttons.slice(i, i + ZALO_MAX_BUTTONS);
    const target = i === 0 ? out[out.length - 1]! : { text: MORE_CHOICES_TEXT };
    target.attachment = { type: "template", payload: { buttons: group } };
    if (i > 0) out.push(target);
  }
  return out;
}

/** The action of a button press (a text holding the prefix), or null for typed text. */
export function actionFromZaloText(text: string): string | null {
  if (!text.startsWith(ZALO_ACTION_PREFIX)) return null;
  const action = text.slice(ZALO_ACTION_PREFIX.length).trim();
  return isValidAction(action) ? action : null;
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

export function createZaloHttp(baseURL: string, timeoutMs = 10_000): AxiosInstance {
  return axios.create({
    baseURL: baseURL.replace(/\/+$/, ""),
    timeout: timeoutMs,
    validateStatus: () => true,
    maxContentLength: 1024 * 1024,
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  });
}

/** Network failures as a short code (ECONNREFUSED, ECONNABORTED…), without URL or headers. */
function networkError(err: unknown, method: string): ZaloApiError {
  const code =
    typeof err === "object" && err !== null && typeof (err as { code?: unknown }).code === "string"
      ? (err as { code: string }).code
      : "error";
  return new ZaloApiError("network", method, `Zalo ${method}: network failure (${code})`, true);
}

/** Zalo overloaded or rate-limiting (5xx, 429): a retryable error. */
function throwIfBusy(status: number, method: string): void {
  if (status >= 500 || status === 429) {
    throw new ZaloApiError(`http_${status}`, method, `Zalo ${method}: HTTP ${status}`, true);
  }
}

interface Envelope {
  error?: unknown;
  message?: unknown;
}

/** Sends one customer-service message; resolves on `error: 0`, throws ZaloApiError otherwise. */
export async function postCsMessage(
  client: AxiosInstance,
  accessToken: string,
  userId: string,
  message: ZaloCsMessage,
): Promise<void> {
  const method = "message/cs";
  let res;
  try {
    res = await client.post<Envelope>(
      ZALO_CS_MESSAGE_PATH,
      { recipient: { user_id: userId }, message },
      { headers: { access_token: accessToken, "Content-Type": "application/json" } },
    );
  } catch (err) {
    throw networkError(err, method);
  }
  throwIfBusy(res.status, method);
  const body = res.data;
  if (res.status >= 400 || typeof body !== "object" || body === null) {
    throw new ZaloApiError(
      res.status >= 400 ? `http_${res.status}` : "invalid_response",
      method,
      `Zalo ${method}: unexpected answer (HTTP ${res.status})`,
      false,
    );
  }
  const code = Number(body.error);
  if (code === 0) return;
  const text = typeof body.message === "string" ? body.message.slice(0, 200) : "";
  throw new ZaloApiError(
    Number.isFinite(code) ? code : "invalid_response",
    method,
    `Zalo ${method}: error ${String(body.error)} ${text}`.trim(),
    ZALO_RATE_LIMIT_ERRORS.has(code),
  );
}

export interface ZaloTokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lives (Zalo: "90000", 25 h), when given. */
  expiresInSeconds: number | null;
}

/** Trades the (single-use) refresh token for a new token pair. */
export async function requestTokenRefresh(
  client: AxiosInstance,
  params: { appId: string; appSecret: string; refreshToken: string },
): Promise<ZaloTokenPair> {
  const method = "oa/access_token";
  let res;
  try {
    res = await client.post<Record<string, unknown>>(
      ZALO_TOKEN_PATH,
      new URLSearchParams({
        app_id: params.appId,
        grant_type: "refresh_token",
        refresh_token: params.refreshToken,
      }).toString(),
      {
        headers: {
          secret_key: params.appSecret,
          "Content-Type": "application/x-www-form-urlencoded",
        },
      },
    );
  } catch (err) {
    throw networkError(err, method);
  }
  const body = res.data;
  throwIfBusy(res.status, method);
  if (
    res.status < 400 &&
    typeof body === "object" &&
    body !== null &&
    typeof body.access_token === "string" &&
    body.access_token !== "" &&
    typeof body.refresh_token === "string" &&
    body.refresh_token !== ""
  ) {
    const expires = Number(body.expires_in);
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresInSeconds: Number.isFinite(expires) && expires > 0 ? expires : null,
    };
  }
  const b = typeof body === "object" && body !== null ? body : {};
  const code = typeof b.error === "number" || typeof b.error === "string" ? b.error : "";
  const name = [b.error_name, b.error_description, b.message].find((x) => typeof x === "string");
  throw new ZaloApiError(
    code === "" ? `http_${res.status}` : Number(code),
    method,
    `Zalo ${method}: refresh refused (${String(code || res.status)}${name ? `: ${String(name).slice(0, 200)}` : ""})`,
    false,
  );
}
