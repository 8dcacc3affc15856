/**
 * Citizen notifications (PAKN status changes, 7-day progress updates) through the channel the
 * citizen used. Channels register a sender; the PAKN outbox dispatcher (src/feedback) drains
 * through them:
 *
 *   const senders = createSenderRegistry({ render });
 *   senders.registerSender("telegram", (userId, message) => bot.api.sendMessage(…));
 *   startFeedbackJobs({ feedback, dispatcher: senders.dispatcher({ sql, now }), … });
 *
 * A channel without a sender keeps its messages waiting in the outbox (they go out once one is
 * registered, even after a restart). A sender that throws is retried with backoff by the
 * dispatcher; throw `PermanentDeliveryError` (src/feedback) when retrying cannot help.
 */
import type { SqlDatabase } from "../db/index.ts";
import {
  createSqlOutboxDispatcher,
  renderNotification,
  type NotificationSender,
  type OutboxMessage,
  type SqlOutboxDispatcher,
} from "../feedback/index.ts";
import type { ChannelName, ChannelSender, OutgoingMessage } from "../channels/index.ts";
import { loadDialogueTemplates, type DialogueTemplates } from "./templates.ts";
import { renderTemplate } from "../assistant/index.ts";

export interface SenderRegistry {
  /** Registers (or replaces) the sender of a channel. */
  registerSender(channel: ChannelName, send: ChannelSender): void;
  unregisterSender(channel: ChannelName): void;
  channels(): ChannelName[];
  /** The OutgoingMessage a citizen gets for an outbox message (text + "Xem tình trạng" button). */
  toOutgoing(message: OutboxMessage): OutgoingMessage;
  /**
   * An outbox dispatcher over the registered senders. It follows registrations: a sender
   * registered later is used by the next drain.
   */
  dispatcher(deps: {
    /** The PAKN store's database. */
    sql: SqlDatabase;
    now: () => Date;
    onError?: (err: unknown, message: OutboxMessage) => void;
  }): SqlOutboxDispatcher;
}

export function createSenderRegistry(
  options: { templates?: DialogueTemplates } = {},
): SenderRegistry {
  const templates = options.templates ?? loadDialogueTemplates();
  const senders = new Map<ChannelName, ChannelSender>();
  let generation = 0;

  const toOutgoing = (m: OutboxMessage): OutgoingMessage => {
    const ref = m.payload.ref;
    return {
      text: renderTemplate(templates.texts.notification, {
        text: renderNotification(m.payload),
        ref,
      }),
      buttons: [[{ label: templates.labels.viewStatus, action: `status:${ref}` }]],
    };
  };

  return {
    registerSender(channel, send) {
      senders.set(channel, send);
      generation++;
    },
    unregisterSender(channel) {
      if (senders.delete(channel)) generation++;
    },
    channels: () => [...senders.keys()],
    toOutgoing,
    dispatcher(deps) {
      // The dispatcher reads its senders' channel list once: rebuild it on registration.
      let built: { generation: number; dispatcher: SqlOutboxDispatcher } | null = null;
      const current = () => {
        if (built?.generation !== generation) {
          const record: Record<string, NotificationSender> = {};
          for (const [channel, send] of senders) {
            record[channel] = (m) =>
              send(m.userId, toOutgoing(m), { idempotencyKey: m.idempotencyKey });
          }
          built = {
            generation,
            dispatcher: createSqlOutboxDispatcher({
              sql: deps.sql,
              now: deps.now,
              senders: record,
              ...(deps.onError ? { onError: deps.onError } : {}),
            }),
          };
        }
        return built.dispatcher;
      };
      return {
        drainOnce: () => current().drainOnce(),
        pending: () => current().pending(),
      };
    },
  };
}
