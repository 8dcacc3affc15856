/** What the staff desk shows of a case's notifications: queued, sent, retried or given up. */

export interface NotificationAudit {
  id: number;
  kind: "status" | "progress";
  channel: string;
  createdAt: string;
  sentAt: string | null;
  failedAt: string | null;
  attempts: number;
  /** Scrubbed and masked when it was recorded (src/feedback/dispatcher.ts). */
  lastError: string | null;
}

/** A case's notifications, oldest first (aliases quoted: PostgreSQL folds them otherwise). */
export const NOTIFICATION_AUDIT_SQL = `SELECT id, kind, channel, created_at AS "createdAt",
     sent_at AS "sentAt", failed_at AS "failedAt", attempts, last_error AS "lastError"
   FROM feedback_outbox WHERE case_id = ? ORDER BY id`;
