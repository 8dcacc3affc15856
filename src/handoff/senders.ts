/**
 * How the hand-over reaches citizens, and learns what became of its messages (main.ts wires it):
 *
 *   const kept = keepingSenders(senders);        // channels register on kept.registry
 *   createHandoff({ …, send: kept.send, deliveries: kept.deliveries });
 *   kept.useChannels(startChannels({ …, senders: kept.registry })); // once they start
 *
 * - The web chat: the sender it registers (its inbox, polled by the page), as for notifications.
 *   The sender registry (src/dialogue/notify.ts) has no lookup, so this wrapper keeps what is
 *   registered.
 * - Telegram and Zalo, once the channels run: their reply outbox, like the bot's own answers —
 *   written first, sent after the citizen's earlier replies, retried through an outage, never
 *   twice, also with several instances on one database. `send` resolves to what became of the
 *   message ("queued" while the platform is down); `deliveries` reads back what is waiting and
 *   what was given up (channel_undelivered), and passes on each give-up. Before the channels run
 *   (and without them) a message goes to the channel's registered sender, if any.
 */
import type {
  ChannelName,
  ChannelSender,
  ReplyOutbox,
  UndeliveredLog,
  UndeliveredReply,
} from "../channels/index.ts";
import type { SenderRegistry } from "../dialogue/index.ts";
import type { CitizenDeliveries, CitizenSend } from "./service.ts";
import { MotcuaError } from "../errors.ts";

export class NoSenderError extends MotcuaError {
  readonly code = "no_sender";
  constructor(readonly channel: ChannelName) {
    super(`no sender registered for ${channel}`);
  }
}

/** What the started channels lend (`Channels` of src/channels). */
export interface ChatReplies {
  replies: Pick<ReplyOutbox, "send" | "waiting" | "onUndelivered">;
  undelivered: Pick<UndeliveredLog, "listOpen">;
}

export interface KeptSenders {
  /** The registry to hand the channels and the web chat. */
  registry: SenderRegistry;
  send: CitizenSend;
  deliveries: CitizenDeliveries;
  /** From now on Telegram and Zalo messages go through `chat`'s reply outbox. */
  useChannels(chat: ChatReplies): void;
}

export function keepingSenders(registry: SenderRegistry): KeptSenders {
  const kept = new Map<ChannelName, ChannelSender>();
  const listeners: ((reply: UndeliveredReply) => Promise<void>)[] = [];
  let chat: ChatReplies | null = null;
  return {
    registry: {
      ...registry,
      registerSender(channel, send) {
        kept.set(channel, send);
        registry.registerSender(channel, send);
      },
      unregisterSender(channel) {
        kept.delete(channel);
        registry.unregisterSender(channel);
      },
    },
    async send(channel, userId, message) {
      // A channel that started registered its sender, and its replies with the outbox.
      if (chat && channel !== "web" && kept.has(channel)) {
        return chat.replies.send(channel, userId, [message]);
      }
      const send = kept.get(channel);
      if (!send) throw new NoSenderError(channel);
      await send(userId, message);
      return "sent";
    },
    deliveries: {
      async status(channel, userId, since) {
        if (!chat || channel === "web") return { waiting: 0, undelivered: [] };
        const [waiting, open] = await Promise.all([
          chat.replies.waiting(channel, userId),
          chat.undelivered.listOpen({ channel, userId, since }),
        ]);
        return {
          waiting,
          undelivered: open.map((u) => ({ text: u.text, reason: u.reason, at: u.createdAt })),
        };
      },
      onUndelivered(listener) {
        listeners.push(listener);
        chat?.replies.onUndelivered(listener);
      },
    },
    useChannels(next) {
      chat = next;
      for (const listener of listeners) next.replies.onUndelivered(listener);
    },
  };
}
