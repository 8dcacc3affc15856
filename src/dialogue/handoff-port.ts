/**
 * The port through which the dialogue core hands a conversation to people (src/handoff implements
 * it). The dialogue owns the conversation's state; the hand-over service changes it only through
 * the DialoguePort it is given.
 */
import type { Attachment, ChannelName, OutgoingMessage } from "../channels/index.ts";

/** Why a person is called: the citizen asked, answers kept missing, or a sensitive subject. */
export type EscalationReason = "asked" | "repeated_miss" | "sensitive";

export type AnswerOutcome = "miss" | "hit" | "neutral";

/** The turn as the dialogue core hands it over. */
export interface HandoffTurn {
  channel: ChannelName;
  userId: string;
  now: Date;
}

/** What the hand-off asks of the dialogue core, which owns the conversation's state. */
export interface DialoguePort {
  /** The bot has the conversation again (after the citizen's turns under way). Never rejects. */
  handBack(channel: ChannelName, userId: string): Promise<void>;
}

/** What the dialogue core calls (src/dialogue/core.ts, option `handoff`). */
export interface DialogueHandoff {
  /** The core hands itself over when it is built; closing a ticket then hands back through it. */
  connect(dialogue: DialoguePort): void;
  trigger(text: string): EscalationReason | null;
  /**
   * Records an answer or a rating: a miss (not found, 👎) adds one to the streak, a hit (👍)
   * resets it, a found answer leaves it (its 👎 may follow). True when a person is called for.
   */
  noteAnswer(
    turn: HandoffTurn,
    entry: { question: string; procedures: string[]; answer: string } | null,
    outcome: AnswerOutcome,
  ): Promise<boolean>;
  escalate(
    turn: HandoffTurn,
    reason: EscalationReason,
    text: string,
  ): Promise<{ messages: OutgoingMessage[]; handedOff: boolean }>;
  /**
   * While handed off: relays the citizen's text (for an attachment, a note naming it, and the
   * attachment for desks that can show it); false when no ticket is open any more.
   */
  relay(turn: HandoffTurn, text: string, attachment?: Attachment): Promise<boolean>;
  /** The citizen ends the hand-off ("/huy" while waiting or talking): the ticket is closed. */
  release(turn: HandoffTurn): Promise<OutgoingMessage[]>;
  /** Buttons "handoff:…"; null when not ours. */
  onAction(
    turn: HandoffTurn,
    action: string,
  ): Promise<{
    messages: OutgoingMessage[];
    handedOff: boolean;
  } | null>;
}
