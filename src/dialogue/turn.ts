/** What every step of the dialogue shares: the turn being handled and the core's dependencies. */
import type { Assistant } from "../assistant/index.ts";
import type { AspectDetector } from "../assistant/index.ts";
import type { QuestionRecord, SqlExecutor } from "../db/index.ts";
import type { FeedbackStore, Ratings } from "../feedback/index.ts";
import type { Button, ChannelName, IncomingMessage, OutgoingMessage } from "../channels/index.ts";
import type { FollowUpDetector } from "./followup.ts";
import type { DialogueState, StatePatch } from "./state.ts";
import type { ConversationStore } from "./store.ts";
import type { DialogueLabels, Render } from "./templates.ts";

/** The few pino methods the core uses (a pino Logger fits). */
export interface DialogueLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface Turn {
  readonly channel: ChannelName;
  readonly userId: string;
  readonly displayName: string;
  readonly now: Date;
  /** The message as it came; `action` wins over `text` when it has both. */
  readonly message: IncomingMessage;
  /** Its text, cleaned (cleanInput); "" when it has none. */
  readonly text: string;
  /**
   * The database connection holding this user's lock for the turn (PostgreSQL: the advisory
   * lock's session): the turn's own reads and writes go on it.
   */
  readonly db: SqlExecutor;
  /** Loaded at the start of the turn, as the earlier handlers changed it. Never changed in place. */
  readonly state: Readonly<DialogueState>;
  /** This turn with `patch` applied to its state (compose and `after` use it). */
  with(patch: StatePatch): Turn;
  /**
   * Runs `write` on `tx` and saves the state with `patchFor(its result)` applied, in one
   * transaction (filing a case: the case and the "draft filed" mark commit together, or neither
   * does). The handler still returns the patch in its reply. On SQLite it waits for a write lock
   * another connection holds; DatabaseBusyError past the budget, and then nothing is written.
   */
  commit<T>(
    write: (tx: SqlExecutor) => Promise<T>,
    patchFor: (result: T) => StatePatch,
  ): Promise<{ result: T; patch: StatePatch }>;
}

/**
 * What the dialogue needs of the PAKN store (src/feedback's FeedbackStore, on the same database as
 * the conversation state): a case is filed inside the turn's transaction (`tx`).
 */
export type DialogueFeedback = Pick<
  FeedbackStore,
  "fileCase" | "citizenView" | "citizenViewForFiler"
> & {
  ratings: Pick<Ratings, "rateAnswer">;
};

export interface Deps {
  assistant: Pick<Assistant, "ask" | "answerFor">;
  feedback: DialogueFeedback;
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
