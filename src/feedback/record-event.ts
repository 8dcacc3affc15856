/**
 * A change the citizen is told about: its history row and its outbox notification, written
 * together (the caller runs this inside the change's transaction).
 */
import type { Enqueue } from "./outbox.ts";
import type { Status } from "./status.ts";
import { addHistory, type CaseRow, type FeedbackStatements } from "./store.ts";

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

export function recordCitizenEvent(s: FeedbackStatements, enqueue: Enqueue, e: CitizenEvent): void {
  const at = e.now.toISOString();
  addHistory(s, {
    caseId: e.row.id,
    at,
    actor: e.actor,
    action: e.event,
    from: e.from,
    to: e.to,
    note: e.note,
  });
  enqueue({
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
  });
}
