export {
  createDialogueCore,
  CHANNELS,
  type DialogueCoreOptions,
  type DialogueCoreHandle,
} from "./core.ts";
export { createSenderRegistry, type SenderRegistry } from "./notify.ts";
export { createInbox, INBOX_KEEP_DAYS, type Inbox } from "./inbox.ts";
export { createConversationStore, type ConversationStore } from "./store.ts";
export {
  loadDialogueTemplates,
  validateDialogueTemplates,
  DIALOGUE_PROMPTS_DIR,
  type DialogueTemplates,
} from "./templates.ts";
export { createFollowUpDetector, loadFollowUpDetector, type FollowUpDetector } from "./followup.ts";
export type { DialogueState } from "./state.ts";
export type { DialogueLogger } from "./turn.ts";
export type {
  Button,
  ChannelName,
  ChannelSender,
  DialogueCore,
  IncomingMessage,
  OutgoingMessage,
} from "../channels/index.ts";
export { folded } from "../text/index.ts";
export type {
  AnswerOutcome,
  DialogueHandoff,
  DialoguePort,
  EscalationReason,
  HandoffTurn,
} from "./handoff-port.ts";
