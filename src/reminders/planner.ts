/**
 * The planner: a pure function of the time, the state (approved groups, open PAKN cases, custom
 * deadlines, items marked done) and the rules. It says which reminders are due now; it does not
 * know what was already sent — the dispatcher's claims in SQLite make each one go out once.
 *
 * A reminder has stages (its lead times in working days). At a given time only the latest stage
 * whose day has come is due, so a process that was down catches up with one reminder, not many.
 * Nothing is due on a day off or before `sendAfter` (Vietnamese time).
 */
import { localDate, type Calendar, type IsoDate } from "../calendar/index.ts";
import type { Agency, PeriodicRule, ReminderRules } from "./rules.ts";

export const REMINDER_KINDS = [
  "pakn_due_soon",
  "pakn_overdue",
  "pakn_progress_due",
  "pakn_result_record",
  "report",
  "custom",
] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

export interface CaseInfo {
  ref: string;
  /** As on the case: an agency's name or code; null when unassigned. */
  agency: string | null;
  status: string;
  /** ISO instants. */
  dueAt: string;
  nextProgressAt: string | null;
  resultRecordDueAt: string | null;
  preview?: string;
}

export interface CustomDeadline {
  id: number;
  title: string;
  due: IsoDate;
  agency: string;
  ref: string;
}

export interface GroupLink {
  chatId: string;
  agency: string;
}

export interface PlannerState {
  agencies: readonly Agency[];
  groups: readonly GroupLink[];
  cases: readonly CaseInfo[];
  custom: readonly CustomDeadline[];
  /** doneKey(...) of report / custom items an official marked "Đã xử lý". */
  done: ReadonlySet<string>;
}

export interface DueReminder {
  kind: ReminderKind;
  agency: string;
  /** null only with `unrouted`: the agency has no approved group yet. */
  chat: string | null;
  due: IsoDate;
  title: string;
  /** Case ref, periodic rule id or "c<id>" (custom). */
  item: string;
  /** The cycle ("2026Q1", a due date…) and the stage: the claim key is chat+kind+item+period. */
  period: string;
  reference: string;
  /** Working days left until `due` (negative: past it). */
  daysLeft: number;
}

export const doneKey = (agency: string, kind: ReminderKind, item: string, cycle: string): string =>
  `${agency}|${kind}|${item}|${cycle}`;

const OPEN = new Set(["received", "accepted", "in_progress"]);
const VN_OFFSET_MS = 7 * 3_600_000;

function localMinutes(now: Date): number {
  const t = new Date(now.getTime() + VN_OFFSET_MS);
  return t.getUTCHours() * 60 + t.getUTCMinutes();
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The date `day` of a month, clamped to the month's length. */
function dateIn(year: number, month: number, day: number): IsoDate {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(Math.min(day, last))}`;
}

/** Due dates of a periodic rule near `today` (this cycle and the next), with their cycle id. */
export function periodicDueDates(
  rule: PeriodicRule,
  today: IsoDate,
): { due: IsoDate; cycle: string }[] {
  const year = Number(today.slice(0, 4));
  const s = rule.schedule;
  if (s.every === "year") {
    return [year, year + 1].map((y) => ({ due: dateIn(y, s.month, s.day), cycle: String(y) }));
  }
  const q = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;
  const next = q === 4 ? { y: year + 1, q: 1 } : { y: year, q: q + 1 };
  return [{ y: year, q }, next].map(({ y, q: qq }) => ({
    due: dateIn(y, qq * 3, s.day),
    cycle: `${y}Q${qq}`,
  }));
}

/**
 * The stage due today: the smallest lead whose day (that many working days before `due`) has come,
 * while `today` ≤ `due`; after `due`, stage 0 when `late` is allowed. null when none.
 */
export function stageOn(
  today: IsoDate,
  due: IsoDate,
  leads: readonly number[],
  calendar: Calendar,
  late = false,
): number | null {
  if (today > due) return late ? 0 : null;
  let best: number | null = null;
  for (const lead of leads) {
    const fire = lead === 0 ? due : calendar.addWorkingDays(due, -lead);
    if (fire <= today && (best === null || lead < best)) best = lead;
  }
  return best;
}

const fold = (s: string) => s.normalize("NFC").trim().toLocaleLowerCase("vi");

export interface PlanOptions {
  /** Also list what is due for agencies without an approved group (chat null): the dry run. */
  unrouted?: boolean;
}

export function plan(
  now: Date,
  state: PlannerState,
  rules: ReminderRules,
  calendar: Calendar,
  options: PlanOptions = {},
): DueReminder[] {
  const today = localDate(now);
  if (!calendar.isWorkingDay(today)) return [];
  const [h, m] = rules.sendAfter.split(":").map(Number) as [number, number];
  if (localMinutes(now) < h * 60 + m) return [];

  const byCode = new Map(state.agencies.map((a) => [a.code, a]));
  const byName = new Map<string, string>();
  for (const a of state.agencies) {
    byName.set(fold(a.name), a.code);
    byName.set(fold(a.code), a.code);
  }
  const chats = new Map<string, string[]>();
  for (const g of state.groups) {
    if (!byCode.has(g.agency)) continue;
    chats.set(g.agency, [...(chats.get(g.agency) ?? []), g.chatId]);
  }
  const routed = (agency: string) => options.unrouted === true || chats.has(agency);
  const left = (due: IsoDate) => calendar.countWorkingDays(today, due);
  type Item = Omit<DueReminder, "chat" | "daysLeft">;
  const items: Item[] = [];

  // PAKN cases.
  const p = rules.pakn;
  for (const c of state.cases) {
    const agency = c.agency === null ? undefined : byName.get(fold(c.agency));
    if (!agency || !routed(agency)) continue;
    const base = { agency, item: c.ref, reference: p.reference };
    const title = c.preview ? `${c.ref}: ${c.preview}` : c.ref;
    if (OPEN.has(c.status)) {
      const due = localDate(new Date(c.dueAt));
      if (today > due) {
        const n = calendar.countWorkingDays(due, today);
        const k = Math.floor((n - 1) / p.overdue.repeatEveryWorkingDays);
        items.push({ ...base, kind: "pakn_overdue", due, title, period: `${due}#${k}` });
      } else {
        const stage = stageOn(today, due, p.dueSoon.leadWorkingDays, calendar);
        if (stage !== null) {
          items.push({ ...base, kind: "pakn_due_soon", due, title, period: `${due}@${stage}` });
        }
      }
      if (c.nextProgressAt) {
        const pd = localDate(new Date(c.nextProgressAt));
        const stage = stageOn(today, pd, p.progressUpdate.leadWorkingDays, calendar, true);
        if (stage !== null) {
          items.push({
            ...base,
            kind: "pakn_progress_due",
            due: pd,
            title,
            period: `${pd}@${stage}`,
          });
        }
      }
    } else if (c.status === "answered" && c.resultRecordDueAt) {
      const rd = localDate(new Date(c.resultRecordDueAt));
      const stage = stageOn(today, rd, p.resultRecording.leadWorkingDays, calendar, true);
      if (stage !== null) {
        items.push({
          ...base,
          kind: "pakn_result_record",
          due: rd,
          title,
          period: `${rd}@${stage}`,
        });
      }
    }
  }

  // Periodic reports: every agency of the rule's levels that has a group.
  for (const rule of rules.periodic) {
    for (const { due, cycle } of periodicDueDates(rule, today)) {
      const stage = stageOn(today, due, rule.leadWorkingDays, calendar);
      if (stage === null) continue;
      for (const { code: agency, level } of state.agencies) {
        if (!routed(agency) || !rule.levels.includes(level)) continue;
        if (state.done.has(doneKey(agency, "report", rule.id, cycle))) continue;
        items.push({
          kind: "report",
          agency,
          due,
          title: rule.title,
          item: rule.id,
          period: `${cycle}@${stage}`,
          reference: rule.reference,
        });
      }
    }
  }

  // Custom one-off deadlines.
  for (const d of state.custom) {
    if (!routed(d.agency)) continue;
    const item = `c${d.id}`;
    if (state.done.has(doneKey(d.agency, "custom", item, d.due))) continue;
    const stage = stageOn(today, d.due, rules.custom.leadWorkingDays, calendar);
    if (stage === null) continue;
    items.push({
      kind: "custom",
      agency: d.agency,
      due: d.due,
      title: d.title,
      item,
      period: `${d.due}@${stage}`,
      reference: d.ref,
    });
  }

  const out: DueReminder[] = [];
  for (const it of items) {
    const to: (string | null)[] = chats.get(it.agency) ?? (options.unrouted ? [null] : []);
    for (const chat of to) out.push({ ...it, chat, daysLeft: left(it.due) });
  }
  out.sort(
    (a, b) =>
      (a.chat ?? "").localeCompare(b.chat ?? "") ||
      a.agency.localeCompare(b.agency) ||
      a.daysLeft - b.daysLeft ||
      a.kind.localeCompare(b.kind) ||
      a.item.localeCompare(b.item),
  );
  return out;
}
