export {
  createHandoff,
  HandoffError,
  type Handoff,
  type HandoffOptions,
  type StaffDesk,
  type Officer,
  type CitizenSend,
  type CitizenDelivery,
  type CitizenDeliveries,
  type DeliveryNotice,
  type TicketDelivery,
} from "./service.ts";
export { createHandoffStore, type HandoffStore, type Ticket, type TicketStatus } from "./store.ts";
export {
  parseHotlineHours,
  hotlineStatus,
  DEFAULT_HOTLINE_HOURS,
  type HotlineHours,
} from "./hours.ts";
export { createTelegramStaffDesk, type TelegramStaffDesk } from "./telegram-desk.ts";
export { handoffReport, formatHandoffReport, type HandoffReport } from "./report.ts";
export { keepingSenders, type ChatReplies, type KeptSenders } from "./senders.ts";
export { runHandoffCommand, HANDOFF_USAGE } from "./command.ts";
