/**
 * The reminders' tables (SQLite migration 6, PostgreSQL src/db/pg-migrations/reminders.ts) behind
 * one asynchronous store: the same SQL runs on both engines through SqlDatabase.
 *
 * A delivery is claimed by inserting its row (UNIQUE chat+kind+item+period) with ON CONFLICT DO
 * NOTHING … RETURNING: the instance that gets the row back sends it, whichever instance's cron
 * fired first. A group's claims go in one transaction, in a fixed order, so a second instance
 * claiming the same group waits for the first and gets none of them (one digest, never two
 * halves), and two instances never wait for each other's rows in opposite orders.
 */
import { isIsoDate, type IsoDate } from "../calendar/index.ts";
import type { SqlDatabase, SqlValue } from "../db/index.ts";
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
  requestLink(
    chatId: string,
    agency: string,
    title: string | null,
    by: string,
    at: Date,
  ): Promise<void>;
  /** Approves the pending (or failed) link of a chat; null when there is none. */
  approve(chatId: string, by: string, at: Date): Promise<GroupRow | null>;
  unlink(chatId: string): Promise<boolean>;
  group(chatId: string): Promise<GroupRow | undefined>;
  groups(status?: GroupStatus): Promise<GroupRow[]>;
  approvedLinks(): Promise<GroupLink[]>;
  markFailed(chatId: string, failure: string, at: Date): Promise<void>;
  addCustom(input: Omit<CustomDeadline, "id">, by: string, at: Date): Promise<CustomDeadline>;
  /** Custom deadlines due on or after `from`. */
  customFrom(from: IsoDate): Promise<CustomDeadline[]>;
  doneKeys(): Promise<Set<string>>;
  markDone(
    agency: string,
    kind: ReminderKind,
    item: string,
    cycle: string,
    by: string,
    at: Date,
  ): Promise<void>;
  /**
   * Inserts the claims of one group; returns the rows this caller won (none that another caller,
   * in this process or another instance, already holds).
   */
  claim(reminders: readonly DueReminder[], at: Date): Promise<DeliveryRow[]>;
  markSent(ids: readonly number[], messageId: number, at: Date): Promise<void>;
  markDeliveryFailed(ids: readonly number[]): Promise<void>;
  /** Gives claims back (a transient failure): the next tick plans them again. */
  release(ids: readonly number[]): Promise<void>;
  /**
   * Claims older than `before` that never became sent (a crash mid-send) are deleted, so the
   * next claim of the same reminder goes in again (once: the UNIQUE row). Returns how many.
   */
  releaseStale(before: Date): Promise<number>;
  delivery(id: number): Promise<DeliveryRow | undefined>;
  deliveries(): Promise<DeliveryRow[]>;
  audit(row: Omit<ActionRow, "id">): Promise<void>;
  actions(): Promise<ActionRow[]>;
}

const CLAIM = `INSERT INTO reminder_deliveries
    (chat_id, kind, item, period, agency, due, title, status, claimed_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, 'claimed', ?)
  ON CONFLICT (chat_id, kind, item, period) DO NOTHING
  RETURNING *`;

const unknownAgency = (code: string) =>
  `Mã cơ quan ${code} không có trong danh bạ (data/agencies.json) / unknown agency ${code}`;

/** `?, ?, …` for an IN list. */
const list = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/** The claim key, for a fixed lock order. */
const key = (r: DueReminder) => `${r.chat ?? ""}\u0000${r.kind}\u0000${r.item}\u0000${r.period}`;

export function createReminderStore(sql: SqlDatabase, agencies: readonly Agency[]): ReminderStore {
  const codes = new Set(agencies.map((a) => a.code));
  /** One statement over the ids (none: nothing to do). */
  const byIds = async (statement: string, ids: readonly number[], rest: SqlValue[] = []) => {
    if (ids.length > 0) await sql.run(`${statement} (${list(ids.length)})`, [...rest, ...ids]);
  };
  const group = (chatId: string) =>
    sql.get<GroupRow>(`SELECT * FROM reminder_groups WHERE chat_id = ?`, [chatId]);

  return {
    async requestLink(chatId, agency, title, by, at) {
      if (!codes.has(agency)) throw new ReminderInputError("agency", unknownAgency(agency));
      await sql.run(
        `INSERT INTO reminder_groups (chat_id, agency, status, title, requested_by, requested_at)
         VALUES (?, ?, 'pending', ?, ?, ?)
         ON CONFLICT (chat_id) DO UPDATE SET agency = excluded.agency, status = 'pending',
           title = excluded.title, requested_by = excluded.requested_by,
           requested_at = excluded.requested_at, approved_by = NULL, approved_at = NULL,
           failure = NULL, failed_at = NULL`,
        [chatId, agency, title, by, at.toISOString()],
      );
    },
    async approve(chatId, by, at) {
      const row = await sql.get<GroupRow>(
        `UPDATE reminder_groups SET status = 'approved', approved_by = ?, approved_at = ?,
           failure = NULL, failed_at = NULL
         WHERE chat_id = ? AND status IN ('pending', 'failed')
         RETURNING *`,
        [by, at.toISOString(), chatId],
      );
      return row ?? null;
    },
    unlink: async (chatId) =>
      (await sql.run(`DELETE FROM reminder_groups WHERE chat_id = ?`, [chatId])).changes === 1,
    group,
    groups: (status) =>
      status
        ? sql.all<GroupRow>(`SELECT * FROM reminder_groups WHERE status = ? ORDER BY chat_id`, [
            status,
          ])
        : sql.all<GroupRow>(`SELECT * FROM reminder_groups ORDER BY chat_id`),
    approvedLinks: () =>
      sql.all<GroupLink>(
        `SELECT chat_id AS "chatId", agency FROM reminder_groups WHERE status = 'approved'
         ORDER BY chat_id`,
      ),
    async markFailed(chatId, failure, at) {
      await sql.run(
        `UPDATE reminder_groups SET status = 'failed', failure = ?, failed_at = ? WHERE chat_id = ?`,
        [failure.slice(0, 200), at.toISOString(), chatId],
      );
    },
    async addCustom(input, by, at) {
      const title = input.title.normalize("NFC").trim();
      if (!title || title.length > 300)
        throw new ReminderInputError("title", "Tiêu đề cần 1–300 ký tự / title: 1–300 characters");
      if (!isIsoDate(input.due))
        throw new ReminderInputError("due", "Hạn phải có dạng YYYY-MM-DD / due must be YYYY-MM-DD");
      if (!codes.has(input.agency)) {
        throw new ReminderInputError("agency", unknownAgency(input.agency));
      }
      const ref = input.ref.normalize("NFC").trim();
      if (!ref || ref.length > 300)
        throw new ReminderInputError("ref", "Văn bản cần 1–300 ký tự / ref: 1–300 characters");
      const row = await sql.get<{ id: number }>(
        `INSERT INTO reminder_custom (title, due, agency, ref, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
        [title, input.due, input.agency, ref, by, at.toISOString()],
      );
      return { id: Number(row!.id), title, due: input.due, agency: input.agency, ref };
    },
    customFrom: (from) =>
      sql.all<CustomDeadline>(
        `SELECT id, title, due, agency, ref FROM reminder_custom WHERE due >= ? ORDER BY due, id`,
        [from],
      ),
    doneKeys: async () =>
      new Set(
        (
          await sql.all<{ agency: string; kind: string; item: string; cycle: string }>(
            `SELECT agency, kind, item, cycle FROM reminder_done`,
          )
        ).map((r) => `${r.agency}|${r.kind}|${r.item}|${r.cycle}`),
      ),
    async markDone(agency, kind, item, cycle, by, at) {
      await sql.run(
        `INSERT INTO reminder_done (agency, kind, item, cycle, done_by, done_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [agency, kind, item, cycle, by, at.toISOString()],
      );
    },
    async claim(reminders, at) {
      if (reminders.length === 0) return [];
      const ordered = [...reminders].sort((a, b) =>
        key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0,
      );
      const claimedAt = at.toISOString();
      return sql.transaction(async (tx) => {
        const won: DeliveryRow[] = [];
        for (const r of ordered) {
          const row = await tx.get<DeliveryRow>(CLAIM, [
            r.chat,
            r.kind,
            r.item,
            r.period,
            r.agency,
            r.due,
            r.title,
            claimedAt,
          ]);
          if (row) won.push(row);
        }
        return won;
      });
    },
    markSent: (ids, messageId, at) =>
      byIds(
        `UPDATE reminder_deliveries SET status = 'sent', message_id = ?, sent_at = ? WHERE id IN`,
        ids,
        [messageId, at.toISOString()],
      ),
    markDeliveryFailed: (ids) =>
      byIds(`UPDATE reminder_deliveries SET status = 'failed' WHERE id IN`, ids),
    release: (ids) =>
      byIds(`DELETE FROM reminder_deliveries WHERE status = 'claimed' AND id IN`, ids),
    releaseStale: async (before) =>
      (
        await sql.run(
          `DELETE FROM reminder_deliveries WHERE status = 'claimed' AND claimed_at < ?`,
          [before.toISOString()],
        )
      ).changes,
    delivery: (id) => sql.get<DeliveryRow>(`SELECT * FROM reminder_deliveries WHERE id = ?`, [id]),
    deliveries: () => sql.all<DeliveryRow>(`SELECT * FROM reminder_deliveries ORDER BY id`),
    async audit(row) {
      await sql.run(
        `INSERT INTO reminder_actions (delivery_id, chat_id, user_id, user_name, action, outcome, at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [row.delivery_id, row.chat_id, row.user_id, row.user_name, row.action, row.outcome, row.at],
      );
    },
    actions: () => sql.all<ActionRow>(`SELECT * FROM reminder_actions ORDER BY id`),
  };
}
