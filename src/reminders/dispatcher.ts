/**
 * The dispatcher: at each tick, plan, claim in the database (one row per group+kind+item+period:
 * the first claimer wins, across overlapping ticks, processes and instances sharing one
 * PostgreSQL database), send one digest per group through the limiter, then mark sent. A 429 waits retry_after and tries again; a group the bot cannot
 * reach (403, chat not found) is marked failed and skipped from then on; a transient failure
 * gives the claims back so the next tick tries again. Claims left by a crash mid-send are released
 * after `staleClaimMs` (the one case where a digest could go out twice: sent, then crashed before
 * it was marked).
 */
import type { InlineKeyboardMarkup } from "grammy/types";
import { localDate, type Calendar } from "../calendar/index.ts";
import type { Logger } from "../logger.ts";
import { renderDigest, type DigestItem } from "./digest.ts";
import type { SendLimiter } from "./limiter.ts";
import {
  plan,
  type CaseInfo,
  type DueReminder,
  type PlannerState,
  type PlanOptions,
} from "./planner.ts";
import type { Agency, ReminderRules } from "./rules.ts";
import type { DeliveryRow, ReminderStore } from "./store.ts";

export interface ReminderSender {
  /** Sends one message; rejects with the Bot API's error (error_code, parameters.retry_after). */
  send(
    chatId: string,
    text: string,
    keyboard?: InlineKeyboardMarkup,
  ): Promise<{ messageId: number }>;
}

export type SendFailure =
  | { type: "retry"; seconds: number }
  | { type: "group_gone"; reason: string }
  | { type: "rejected"; reason: string }
  | { type: "transient"; reason: string };

const GONE =
  /chat not found|bot was kicked|bot is not a member|have no rights|not enough rights|upgraded to a supergroup|group chat was deactivated/i;

/** How a Bot API error (grammY's GrammyError or the same shape) should be handled. */
export function classifySendError(err: unknown): SendFailure {
  const e = err as {
    error_code?: number;
    description?: string;
    parameters?: { retry_after?: number };
  } | null;
  const code = e?.error_code;
  const description = String(e?.description ?? (err instanceof Error ? err.message : "error"));
  if (code === 429) return { type: "retry", seconds: Math.max(1, e?.parameters?.retry_after ?? 1) };
  if (code === 403) return { type: "group_gone", reason: `403 ${description}` };
  if (code === 400 && GONE.test(description))
    return { type: "group_gone", reason: `400 ${description}` };
  if (code !== undefined && code >= 400 && code < 500) {
    return { type: "rejected", reason: `${code} ${description}` };
  }
  return { type: "transient", reason: code ? `${code} ${description}` : description };
}

export interface DispatcherOptions {
  store: ReminderStore;
  rules: ReminderRules;
  calendar: Calendar;
  agencies: readonly Agency[];
  /** Open and answered PAKN cases (see feedbackCases). */
  cases: () => readonly CaseInfo[] | Promise<readonly CaseInfo[]>;
  sender: ReminderSender;
  limiter: SendLimiter;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
  /** 429 answers obeyed per message before giving it back to the next tick. Default 5. */
  maxRetries?: number;
  /** Default 30 minutes. */
  staleClaimMs?: number;
  /** Groups sent to at once. Default 64. */
  concurrency?: number;
}

export interface TickResult {
  planned: number;
  claimed: number;
  messages: number;
  retries: number;
  failedGroups: string[];
  released: number;
}

export interface ReminderDispatcher {
  /** What is due now (dry run: nothing claimed); with `unrouted`, also agencies without a group. */
  planNow(options?: PlanOptions): Promise<DueReminder[]>;
  /** One tick; a tick that starts while another runs in this process waits for it and returns its result. */
  tick(): Promise<TickResult>;
  /** Resolves when no tick is running. */
  idle(): Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createReminderDispatcher(deps: DispatcherOptions): ReminderDispatcher {
  const { store, rules, calendar, agencies, sender, limiter, now } = deps;
  const sleep = deps.sleep ?? realSleep;
  const maxRetries = deps.maxRetries ?? 5;
  const byCode = new Map(agencies.map((a) => [a.code, a]));
  let running: Promise<TickResult> | null = null;

  async function state(at: Date): Promise<PlannerState> {
    const [groups, cases, custom, done] = await Promise.all([
      store.approvedLinks(),
      deps.cases(),
      store.customFrom(localDate(at)),
      store.doneKeys(),
    ]);
    return { agencies, groups, cases, custom, done };
  }
  const planNow = async (options: PlanOptions = {}) => {
    const at = now();
    return plan(at, await state(at), rules, calendar, options);
  };

  async function sendGroup(chat: string, due: DueReminder[], result: TickResult): Promise<void> {
    const won = await store.claim(due, now());
    result.claimed += won.length;
    if (won.length === 0) return;
    const left = new Map(due.map((r) => [`${r.kind}|${r.item}|${r.period}`, r.daysLeft]));
    const items: DigestItem[] = won.map((row: DeliveryRow) => ({
      row,
      daysLeft: left.get(`${row.kind}|${row.item}|${row.period}`) ?? 0,
    }));
    const digest = renderDigest(items, byCode.get(won[0]!.agency), localDate(now()), {
      top: rules.digestTopItems,
      consoleUrl: rules.consoleUrl,
    });
    const ids = won.map((r) => r.id);
    for (let attempt = 0; ; attempt++) {
      for (let booked = false; !booked;) {
        const slot = limiter.reserve(chat);
        booked = slot.booked;
        if (slot.waitMs > 0) await sleep(slot.waitMs);
      }
      let messageId: number;
      try {
        ({ messageId } = await sender.send(chat, digest.text, digest.keyboard));
      } catch (err) {
        const f = classifySendError(err);
        if (f.type === "retry" && attempt < maxRetries) {
          result.retries++;
          limiter.retryAfter(chat, f.seconds);
          continue;
        }
        if (f.type === "group_gone") {
          await store.markFailed(chat, f.reason, now());
          await store.markDeliveryFailed(ids);
          result.failedGroups.push(chat);
          deps.logger?.warn(
            { chat, reason: f.reason },
            "reminder group unreachable: marked failed",
          );
        } else if (f.type === "rejected") {
          await store.markDeliveryFailed(ids);
          deps.logger?.error({ chat, reason: f.reason }, "reminder digest rejected");
        } else {
          await store.release(ids);
          result.released += ids.length;
          deps.logger?.warn({ chat, failure: f }, "reminder digest not sent: retried next tick");
        }
        return;
      }
      // Out of the try: a mark that fails is not a failed send. On SQLite a mark that finds the
      // lock held by another connection waits (the SqlDatabase's write gate), instead of taking a
      // delivered digest for a failed one that would go out again once its claim went stale.
      await store.markSent(ids, messageId, now());
      result.messages++;
      return;
    }
  }

  async function runTick(): Promise<TickResult> {
    const at = now();
    // Longer than the slowest send (retries on 429 wait up to retry_after each), so a send still
    // under way is never claimed again by another process.
    // Several instances may release together: each stale claim is deleted once, and the claims
    // that follow go in once (the UNIQUE row), so a crashed instance's digest goes out once.
    await store.releaseStale(new Date(at.getTime() - (deps.staleClaimMs ?? 30 * 60_000)));
    const due = plan(at, await state(at), rules, calendar);
    const result: TickResult = {
      planned: due.length,
      claimed: 0,
      messages: 0,
      retries: 0,
      failedGroups: [],
      released: 0,
    };
    const byChat = new Map<string, DueReminder[]>();
    for (const r of due) {
      if (r.chat !== null) byChat.set(r.chat, [...(byChat.get(r.chat) ?? []), r]);
    }
    const queue = [...byChat];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        try {
          await sendGroup(next[0], next[1], result);
        } catch (err) {
          deps.logger?.error({ err, chat: next[0] }, "reminder group failed");
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(deps.concurrency ?? 64, queue.length) }, worker),
    );
    return result;
  }

  return {
    planNow,
    tick() {
      running ??= runTick().finally(() => {
        running = null;
      });
      return running;
    },
    idle: () => (running ? running.then(() => undefined) : Promise.resolve()),
  };
}
