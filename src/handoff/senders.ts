/**
 * The hand-off reaches citizens through the same senders as notifications. The sender registry
 * (src/dialogue/notify.ts) has no lookup, so main.ts hands channels a registry that also keeps
 * what is registered, and the hand-off sends through that.
 */
import type { ChannelName, ChannelSender } from "../channels/index.ts";
import type { SenderRegistry } from "../dialogue/index.ts";
import type { CitizenSend } from "./service.ts";
import { MotcuaError } from "../errors.ts";

export class NoSenderError extends MotcuaError {
  readonly code = "no_sender";
  constructor(readonly channel: ChannelName) {
    super(`no sender registered for ${channel}`);
  }
}

export function keepingSenders(registry: SenderRegistry): {
  registry: SenderRegistry;
  send: CitizenSend;
} {
  const kept = new Map<ChannelName, ChannelSender>();
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
    send(channel, userId, message) {
      const send = kept.get(channel);
      if (!send) return Promise.reject(new NoSenderError(channel));
      return send(userId, message);
    },
  };
}
