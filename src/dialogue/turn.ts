/** What every step of the dialogue shares: the turn being handled and the core's dependencies. */
import type { Assistant } from "../assistant/index.ts";
import type { AspectDetector } from "../assistant/aspect.ts";
import type { Database } from "../db/database.ts";
import type { QuestionRecord } from "../db/questions.ts";
import type { FeedbackQueue } from "../feedback/index.ts";
import type { Button, ChannelName, OutgoingMessage } from "../channels/index.ts";
import type { FollowUpDetector } from "./followup.ts";
import type { DialogueState } from "./state.ts";
import type { ConversationStore } from "./store.ts";
import type { DialogueLabels, Render } from "./templates.ts";

/** The few pino methods the core uses (a pino Logger fits). */
export interface DialogueLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface Turn {
  channel: ChannelName;
  userId: string;
  displayName: string;
  /** Loaded at the start of the turn, saved at its end. */
  state: DialogueState;
  now: Date;
}

export interface Deps {
  assistant: Pick<Assistant, "ask" | "answerFor">;
  queue: Pick<FeedbackQueue, "fileCase" | "citizenView" | "citizenViewForFiler" | "rateAnswer">;
  db: Database;
  store: ConversationStore;
  render: Render;
  labels: DialogueLabels;
  aspects: AspectDetector;
  followUps: FollowUpDetector;
  newId: () => string;
  log: DialogueLogger;
  recordQuestion?: ((record: QuestionRecord) => void) | undefined;
}

export const reply = (text: string, buttons?: Button[][]): OutgoingMessage =>
  buttons && buttons.length > 0 ? { text, buttons } : { text };

/** One line, at most `max` characters, cut with "…". Labels and echoes of user text use it. */
export function short(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join("")}…`;
}

/** YYYY-MM-DD → DD/MM/YYYY. */
export function vnDate(isoDate: string): string {
  const [y, m, d] = isoDate.split("-");
  return `${d}/${m}/${y}`;
}
