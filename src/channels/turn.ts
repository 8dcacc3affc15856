/**
 * What every channel adapter does around the dialogue core: one turn (incoming message → core →
 * outgoing messages) with a time limit and a short apology when the core fails, pseudonymous user
 * ids for the logs, and the rule for button actions.
 */
import { createHash } from "node:crypto";
import type { Logger } from "../logger.ts";
import type { DialogueCore, IncomingMessage, OutgoingMessage } from "./types.ts";
import { MotcuaError } from "../errors.ts";

/** Shown when the core fails or takes too long; the log gets the details. */
export const APOLOGY_TEXT =
  "Xin lỗi, hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút hoặc gọi Tổng đài 1022.";

export const DEFAULT_TURN_TIMEOUT_MS = 30_000;

/** Actions are short printable ASCII (the core keeps them ≤ 40; Telegram allows 64 bytes). */
const ACTION = /^[\x21-\x7e]{1,64}$/;

export function isValidAction(action: string): boolean {
  return ACTION.test(action);
}

/** A stable pseudonym for logs: the same user gives the same short hash, not the platform id. */
export function maskUserId(channel: string, userId: string): string {
  return createHash("sha256").update(`motcua:${channel}:${userId}`).digest("hex").slice(0, 12);
}

export class TurnTimeoutError extends MotcuaError {
  readonly code = "turn_timeout";
}

/**
 * Asks the core; on error or after `timeoutMs` answers with the apology (a timed-out turn is not
 * cancelled, but its late answer is dropped so that the user's next message is not held up).
 */
export async function runTurn(
  core: DialogueCore,
  msg: IncomingMessage,
  options: { logger: Logger; timeoutMs?: number },
): Promise<OutgoingMessage[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TURN_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const started = Date.now();
  try {
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new TurnTimeoutError(`no answer in ${timeoutMs} ms`)),
        timeoutMs,
      );
      timer.unref();
    });
    return await Promise.race([core.handle(msg), timeout]);
  } catch (err) {
    options.logger.error(
      {
        err,
        channel: msg.channel,
        user: maskUserId(msg.channel, msg.userId),
        kind: msg.action !== undefined ? "action" : "text",
        ms: Date.now() - started,
      },
      "dialogue core failed",
    );
    return [{ text: APOLOGY_TEXT }];
  } finally {
    clearTimeout(timer);
  }
}
