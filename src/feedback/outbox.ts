/**
 * Citizen notifications: one outbox row per event (status change, progress update), written in the
 * same transaction as the change, so a committed change always has its notification and a rolled
 * back one never does. The idempotency key is UNIQUE: recording the same event twice adds nothing.
 */
import type { SqlValue } from "../db/index.ts";
import type { Status } from "./status.ts";

export type NotificationKind = "status" | "progress";

export interface NotificationPayload {
  ref: string;
  event: NotificationKind;
  status: Status;
  previousStatus: Status | null;
  /** Staff note or answer, or the rejection reason. */
  note: string | null;
  at: string;
  dueAt: string;
}

export interface OutboxMessage {
  id: number;
  idempotencyKey: string;
  channel: string;
  userId: string;
  kind: NotificationKind;
  payload: NotificationPayload;
  /** Attempts made before this one. */
  attempts: number;
}

export interface OutboxRow {
  id: number;
  idempotency_key: string;
  case_id: number;
  channel: string;
  user_id: string;
  kind: NotificationKind;
  payload: string;
  created_at: string;
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  last_error: string | null;
  sent_at: string | null;
  failed_at: string | null;
}

export interface NewNotification {
  idempotencyKey: string;
  caseId: number;
  channel: string;
  userId: string;
  payload: NotificationPayload;
  now: Date;
}

/** The outbox row of a notification; a second one with the same key adds nothing. */
export const INSERT_NOTIFICATION_SQL = `INSERT INTO feedback_outbox (idempotency_key, case_id, channel,
     user_id, kind, payload, created_at, next_attempt_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?)
   ON CONFLICT (idempotency_key) DO NOTHING`;

export function notificationParams(n: NewNotification): SqlValue[] {
  const now = n.now.toISOString();
  return [
    n.idempotencyKey,
    n.caseId,
    n.channel,
    n.userId,
    n.payload.event,
    JSON.stringify(n.payload),
    now,
    now,
  ];
}

export function toMessage(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    channel: row.channel,
    userId: row.user_id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as NotificationPayload,
    attempts: row.attempts,
  };
}
