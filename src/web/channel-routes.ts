/**
 * Webhook routes of the chat channels, mounted through the server's `extraRoutes` hook:
 *
 *   POST /webhooks/zalo      Zalo OA events: raw body + X-ZEvent-Signature → src/channels/zalo.ts
 *   POST /webhooks/telegram  Telegram updates (webhook mode only), X-Telegram-Bot-Api-Secret-Token
 *
 * A route exists only for a configured channel (404 otherwise). The body is read here, raw and
 * size-limited (413), because the Zalo signature covers the exact bytes. Both answer 200 as soon
 * as the event is accepted; the dialogue turn runs afterwards.
 */
import type http from "node:http";
import type { Logger } from "../logger.ts";
import type { TelegramChannel } from "../channels/telegram.ts";
import type { ZaloChannel } from "../channels/zalo.ts";
import { HttpError, readRawBody, sendJson, type ExtraRoute } from "./server.ts";

export const ZALO_WEBHOOK_PATH = "/webhooks/zalo";
export const TELEGRAM_WEBHOOK_PATH = "/webhooks/telegram";
/** A Zalo text event is a few hundred bytes; its text at most 2,000 characters. */
export const ZALO_WEBHOOK_MAX_BYTES = 64 * 1024;
/** Telegram updates (text ≤ 4,096 characters, plus entities and user data). */
export const TELEGRAM_WEBHOOK_MAX_BYTES = 1024 * 1024;

export interface ChannelRouteDeps {
  zalo?: Pick<ZaloChannel, "handleWebhook"> | null | undefined;
  telegram?:
    Pick<TelegramChannel, "mode" | "checkWebhookSecret" | "acceptUpdate"> | null | undefined;
  logger: Logger;
  zaloMaxBytes?: number;
  telegramMaxBytes?: number;
}

const MESSAGES: Record<string, string> = {
  invalid_json: "Nội dung JSON không hợp lệ. / Malformed JSON body.",
  invalid_event: "Sự kiện không hợp lệ. / Invalid event.",
  invalid_update: "Cập nhật không hợp lệ. / Invalid update.",
  bad_signature: "Chữ ký không hợp lệ. / Invalid signature.",
  stale_event: "Sự kiện đã quá hạn. / Stale event.",
  unauthorized: "Không có quyền. / Unauthorized.",
};

function onlyPost(req: http.IncomingMessage): void {
  if (req.method !== "POST") {
    throw new HttpError(
      405,
      "method_not_allowed",
      "Phương thức không được hỗ trợ. / Method not allowed.",
      { Allow: "POST" },
    );
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function createChannelRoutes(deps: ChannelRouteDeps): ExtraRoute {
  const { zalo, logger } = deps;
  const telegram = deps.telegram?.mode === "webhook" ? deps.telegram : null;
  const zaloMax = deps.zaloMaxBytes ?? ZALO_WEBHOOK_MAX_BYTES;
  const telegramMax = deps.telegramMaxBytes ?? TELEGRAM_WEBHOOK_MAX_BYTES;

  async function readOrLog(req: http.IncomingMessage, max: number, channel: string) {
    try {
      return await readRawBody(req, max);
    } catch (err) {
      if (err instanceof HttpError) {
        logger.warn({ channel, status: err.status, code: err.code }, "webhook rejected");
      }
      throw err;
    }
  }

  async function zaloWebhook(req: http.IncomingMessage, res: http.ServerResponse) {
    const raw = await readOrLog(req, zaloMax, "zalo");
    const outcome = zalo!.handleWebhook(raw, header(req, "x-zevent-signature"));
    if (outcome.status !== 200) {
      throw new HttpError(outcome.status, outcome.code, MESSAGES[outcome.code] ?? outcome.code);
    }
    sendJson(res, 200, { ok: true, result: outcome.code });
  }

  async function telegramWebhook(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!telegram!.checkWebhookSecret(header(req, "x-telegram-bot-api-secret-token"))) {
      logger.warn({ channel: "telegram", status: 401 }, "webhook rejected");
      throw new HttpError(401, "unauthorized", MESSAGES.unauthorized!);
    }
    const raw = await readOrLog(req, telegramMax, "telegram");
    let update: unknown;
    try {
      update = JSON.parse(raw.toString("utf8"));
    } catch {
      throw new HttpError(400, "invalid_json", MESSAGES.invalid_json!);
    }
    if (!telegram!.acceptUpdate(update)) {
      throw new HttpError(400, "invalid_update", MESSAGES.invalid_update!);
    }
    sendJson(res, 200, { ok: true });
  }

  return async (req, res, path) => {
    if (path === ZALO_WEBHOOK_PATH && zalo) {
      onlyPost(req);
      await zaloWebhook(req, res);
      return true;
    }
    if (path === TELEGRAM_WEBHOOK_PATH && telegram) {
      onlyPost(req);
      await telegramWebhook(req, res);
      return true;
    }
    return false;
  };
}
