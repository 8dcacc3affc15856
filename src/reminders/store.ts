/** SQLite access of the reminders module (tables of migration 6). */
import { isIsoDate, type IsoDate } from "../calendar/index.ts";
import type { Database } from "../db/index.ts";
import { ReminderInputError } from "./errors.ts";
import type { CustomDeadline, DueReminder, GroupLink, ReminderKind } from "./planner.ts";
import type { Agency } from "./rules.ts";

export type GroupStatus = "pending" | "approved" | "failed";

export interface GroupRow {
  chat_id: string;
  agency: string;
  status: GroupStatus;
  title: string | null;
  requested_by: string;
  requested_at: string;
  approved_by: string | null;
  approved_at: string | null;
  failure: string | null;
  failed_at: string | null;
}

export interface DeliveryRow {
  id: number;
  chat_id: string;
  kind: ReminderKind;
  item: string;
  period: string;
  agency: string;
  due: string;
  title: string;
  status: "claimed" | "sent" | "failed";
  claimed_at: string;
  sent_at: string | null;
  message_id: number | null;
}

export interface ActionRow {
  id: number;
  delivery_id: number;
  chat_id: string;
  user_id: string;
  user_name: string;
  action: "done" | "progress" | "view";
  outcome: string;
  at: string;
}

export interface ReminderStore {
  requestLink(chatId: string, agency: string, title: string | null, by: string, at: Date): void;
  /** Approves the pending link of a chat; false when there is none. */
  approve(chatId: string, by: string, at: Date): GroupRow | null;
  unlink(chatId: string): boolean;
  group(chatId: string): GroupRow | undefined;
  groups(status?: GroupStatus): GroupRow[];
  approvedLinks(): GroupLink[];
  markFailed(chatId: string, failure: string, at: Date): void;
  addCustom(input: Omit<CustomDeadline, "id">, by: string, at: Date): CustomDeadline;
  /** Custom deadlines due on or after `from`. */
  customFrom(from: IsoDate): CustomDeadline[];
  doneKeys(): Set<string>;
  markDone(
    agency: string,
    kind: ReminderKind,
    item: string,
    cycle: string,
    by: string,
    at: Date,
  ): void;
  /** Inserts the claims of one group; returns the rows this caller won (others already claimed). */
  claim(reminders: readonly DueReminder[], at: Date): DeliveryRow[];
  markSent(ids: readonly number[], messageId: number, at: Date): void;
  markDeliveryFailed(ids: readonly number[]): void;
  /** Gives claims back (a transient failure): the next tick plans them again. */
  release(ids: readonly number[]): void;
  /** Claims older than `before` that never became sent (a crash mid-send): released. */
  releaseStale(before: Date): number;
  delivery(id: number): DeliveryRow | undefined;
  deliveries(): DeliveryRow[];
  audit(row: Omit<ActionRow, "id">): void;
  actions(): ActionRow[];
}

export function createReminderStore(db: Database, agencies: readonly Agency[]): ReminderStore {
  const codes = new Set(agencies.map((a) => a.code));
  const insertClaim = db.prepare(
    `INSERT INTO reminder_deliveries
       (chat_id, kind, item, period, agency, due, title, status, claimed_at)
     VALUES (@chat, @kind, @item, @period, @agency, @due, @title, 'claimed', @at)
     ON CONFLICT (chat_id, kind, item, period) DO NOTHING
     RETURNING *`,
  );
  const claimAll = db.transaction((reminders: readonly DueReminder[], at: string) => {
    const won: DeliveryRow[] = [];
    for (const r of reminders) {
      const row = insertClaim.get({ ...r, at }) as DeliveryRow | undefined;
      if (row) won.push(row);
    }
    return won;
  });
  const byIds = (sql: string) => {
    const stmt = db.prepare(sql);
    return db.transaction((ids: readonly number[], ...rest: unknown[]) => {
      for (const id of ids) stmt.run(...rest, id);
    });
  };
  const sent = byIds(
    `UPDATE reminder_deliveries SET status = 'sent', message_id = ?, sent_at = ? WHERE id = ?`,
  );
  const failed = byIds(`UPDATE reminder_deliveries SET status = 'failed' WHERE id = ?`);
  const released = byIds(`DELETE FROM reminder_deliveries WHERE id = ? AND status = 'claimed'`);
  const group = (chatId: string) =>
    db.prepare(`SELECT * FROM reminder_groups WHERE chat_id = ?`).get(chatId) as
      GroupRow | undefined;

  return {
    requestLink(chatId, agency, title, by, at) {
      if (!codes.has(agency)) throw new ReminderInputError("agency", `unknown agency ${agency}`);
      db.prepare(
        `INSERT INTO reminder_groups (chat_id, agency, status, title, requested_by, requested_at)
         VALUES (?, ?, 'pending', ?, ?, ?)
         ON CONFLICT (chat_id) DO UPDATE SET agency = excluded.agency, status = 'pending',
           title = excluded.title, requested_by = excluded.requested_by,
           requested_at = excluded.requested_at, approved_by = NULL, approved_at = NULL,
           failure = NULL, failed_at = NULL`,
      ).run(chatId, agency, title, by, at.toISOString());
    },
    approve(chatId, by, at) {
      const info = db
        .prepare(
          `UPDATE reminder_groups SET status = 'approved', approved_by = ?, approved_at = ?,
             failure = NULL, failed_at = NULL
           WHERE chat_id = ? AND status IN ('pending', 'failed')`,
        )
        .run(by, at.toISOString(), chatId);
      return info.changes === 1 ? (group(chatId) ?? null) : null;
    },
    unlink: (chatId) =>
      db.prepare(`DELETE FROM reminder_groups WHERE chat_id = ?`).run(chatId).changes === 1,
    group,
    groups: (status) =>
      (status
        ? db.prepare(`SELECT * FROM reminder_groups WHERE status = ? ORDER BY chat_id`).all(status)
        : db.prepare(`SELECT * FROM reminder_groups ORDER BY chat_id`).all()) as GroupRow[],
    approvedLinks: () =>
      db
        .prepare(
          `SELECT chat_id AS chatId, agency FROM reminder_groups WHERE status = 'approved'
           ORDER BY chat_id`,
        )
        .all() as GroupLink[],
    markFailed(chatId, failure, at) {
      db.prepare(
        `UPDATE reminder_groups SET status = 'failed', failure = ?, failed_at = ? WHERE chat_id = ?`,
      ).run(failure.slice(0, 200), at.toISOString(), chatId);
    },
    addCustom(input, by, at) {
      const title = input.title.normalize("NFC").trim();
      if (!title || title.length > 300) throw new ReminderInputError("title", "title: 1–300 chars");
      if (!isIsoDate(input.due)) throw new ReminderInputError("due", "due must be YYYY-MM-DD");
      if (!codes.has(input.agency)) {
        throw new ReminderInputError("agency", `unknown agency ${input.agency}`);
      }
      const ref = input.ref.normalize("NFC").trim();
      if (!ref || ref.length > 300) throw new ReminderInputError("ref", "ref: 1–300 chars");
      const info = db
        .prepare(
          `INSERT INTO reminder_custom (title, due, agency, ref, created_by, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(title, input.due, input.agency, ref, by, at.toISOString());
      return { id: Number(info.lastInsertRowid), title, due: input.due, agency: input.agency, ref };
    },
    customFrom: (from) =>
      db
        .prepare(
          `SELECT id, title, due, agency, ref FROM reminder_custom WHERE due >= ? ORDER BY due, id`,
        )
        .all(from) as CustomDeadline[],
    doneKeys: () =>
      new Set(
        (
          db.prepare(`SELECT agency, kind, item, cycle FROM reminder_done`).all() as {
            agency: string;
            kind: string;
            item: string;
            cycle: string;
          }[]
        ).map((r) => `${r.agency}|${r.kind}|${r.item}|${r.cycle}`),
      ),
    markDone(agency, kind, item, cycle, by, at) {
      db.prepare(
        `INSERT INTO reminder_done (agency, kind, item, cycle, done_by, done_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ).run(agency, kind, item, cycle, by, at.toISOString());
    },
    claim: (reminders, at) => claimAll.immediate(reminders, at.toISOString()),
    markSent: (ids, messageId, at) => sent(ids, messageId, at.toISOString()),
    markDeliveryFailed: (ids) => failed(ids),
    release: (ids) => released(ids),
    releaseStale: (before) =>
      db
        .prepare(`DELETE FROM reminder_deliveries WHERE status = 'claimed' AND claimed_at < ?`)
        .run(before.toISOString()).changes,
    delivery: (id) =>
      db.prepare(`SELECT * FROM reminder_deliveries WHERE id = ?`).get(id) as
        DeliveryRow | undefined,
    deliveries: () =>
      db.prepare(`SELECT * FROM reminder_deliveries ORDER BY id`).all() as DeliveryRow[],
    audit(row) {
      db.prepare(
        `INSERT INTO reminder_actions (delivery_id, chat_id, user_id, user_name, action, outcome, at)
         VALUES (@delivery_id, @chat_id, @user_id, @user_name, @action, @outcome, @at)`,
      ).run(row);
    },
    actions: () => db.prepare(`SELECT * FROM reminder_actions ORDER BY id`).all() as ActionRow[],
  };
}
