/**
 * A change the citizen is told about: its history row and its outbox notification, written
 * together (the store writes both inside the change's transaction).
 */
import type { NewNotification } from "./outbox.ts";
import type { Status } from "./status.ts";
import type { CaseRow, HistoryEntry } from "./store.ts";

export interface CitizenEvent {
  /** The case as saved by the change. */
  row: CaseRow;
  idempotencyKey: string;
  actor: string;
  event: "status" | "progress";
  from: Status;
  to: Status;
  note: string | null;
  now: Date;
}

/** What a change writes besides the case row: its history entry and the citizen's notification. */
export interface Recorded {
  history: HistoryEntry;
  notification: NewNotification | null;
}

export function citizenEvent(e: CitizenEvent): Recorded {
  const at = e.now.toISOString();
  return {
    history: {
      caseId: e.row.id,
      at,
      actor: e.actor,
      action: e.event,
      from: e.from,
      to: e.to,
      note: e.note,
    },
    notification: {
      idempotencyKey: e.idempotencyKey,
      caseId: e.row.id,
      channel: e.row.channel,
      userId: e.row.user_id,
      now: e.now,
      payload: {
        ref: e.row.ref,
        event: e.event,
        status: e.to,
        previousStatus: e.from,
        note: e.note,
        at,
        dueAt: e.row.due_at,
      },
    },
  };
}
