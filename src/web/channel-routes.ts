/**
 * Webhooks of the chat channels (rows in src/web/routes.ts):
 *
 *   POST /webhooks/zalo      Zalo OA events: raw body + X-ZEvent-Signature → src/channels/zalo.ts
 *   POST /webhooks/telegram  Telegram updates (webhook mode only), X-Telegram-Bot-Api-Secret-Token
 *
 * A route exists only for a configured channel (404 otherwise). The table hands the body over as
 * raw bytes, because the Zalo signature covers them exactly; the Telegram secret is checked before
 * the body is read. Both answer 200 as soon as the event is accepted; the dialogue turn runs
 * afterwards.
 */
import type { Logger } from "../logger.ts";
import type { TelegramChannel } from "../channels/index.ts";
import type { ZaloChannel } from "../channels/index.ts";
import { HttpError } from "./errors.ts";
import { json } from "./http.ts";
import type { RouteGroup } from "./routes.ts";

export interface ChannelRouteOptions {
  zalo?: Pick<ZaloChannel, "handleWebhook"> | null | undefined;
  telegram?:
    Pick<TelegramChannel, "mode" | "checkWebhookSecret" | "acceptUpdate"> | null | undefined;
  logger: Logger;
  /** Body limit of the Telegram webhook, if not the table's. */
  telegramMaxBytes?: number;
}

const MESSAGES: Record<string, string> = {
  invalid_event: "Sự kiện không hợp lệ. / Invalid event.",
  invalid_update: "Cập nhật không hợp lệ. / Invalid update.",
  bad_signature: "Chữ ký không hợp lệ. / Invalid signature.",
  stale_event: "Sự kiện đã quá hạn. / Stale event.",
  unauthorized: "Không có quyền. / Unauthorized.",
};

export function createChannelRoutes(deps: ChannelRouteOptions): RouteGroup {
  const { zalo, logger } = deps;
  const telegram = deps.telegram?.mode === "webhook" ? deps.telegram : null;
  const routes: RouteGroup = {};
  if (zalo) {
    routes.zalo = async (c) => {
      const outcome = await zalo.handleWebhook(c.var.raw, c.req.header("x-zevent-signature"));
      if (outcome.status !== 200) {
        throw new HttpError(outcome.status, outcome.code, MESSAGES[outcome.code]);
      }
      return json({ ok: true, result: outcome.code });
    };
  }
  if (telegram) {
    routes.telegram = {
      ...(deps.telegramMaxBytes ? { maxBytes: deps.telegramMaxBytes } : {}),
      async secret(c, next) {
        if (!telegram.checkWebhookSecret(c.req.header("x-telegram-bot-api-secret-token"))) {
          logger.warn({ channel: "telegram", status: 401 }, "webhook rejected");
          throw new HttpError(401, "unauthorized", MESSAGES.unauthorized);
        }
        await next();
      },
      async update(c) {
        let update: unknown;
        try {
          update = JSON.parse(c.var.raw.toString("utf8"));
        } catch {
          throw new HttpError(400, "invalid_json");
        }
        if (!(await telegram.acceptUpdate(update))) {
          throw new HttpError(400, "invalid_update", MESSAGES.invalid_update);
        }
        return json({ ok: true });
      },
    };
  }
  return routes;
}
