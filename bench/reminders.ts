/**
 * Reminders delivery benchmark: `reminders` due reminders spread over `groups` approved groups,
 * delivered in one tick through a fake Bot API on 127.0.0.1 that enforces Telegram's limits
 * (30 messages in any 1 s overall, 20 in any 60 s per chat: over either → 429 with retry_after)
 * and also answers a few scripted 429s. Checks zero lost, zero duplicates, and compares the time
 * with the minimum the limits impose.
 *
 * One digest per group and tick: 10,000 reminders over 500 groups are 500 messages, so the
 * binding limit is the overall 30/s (minimum (500 − 1) / 30 s ≈ 16.6 s); the per-group limit does
 * not bind in this scenario (one message per group).
 */
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Api } from "grammy";
import { loadCalendar } from "../src/calendar/index.ts";
import { createSqliteSql, type SqlDatabase } from "../src/db/index.ts";
import {
  createReminderDispatcher,
  createReminderStore,
  createSendLimiter,
  createTelegramReminderSender,
  loadReminderRules,
  parseAgencies,
} from "../src/reminders/index.ts";

export interface RemindersBenchOptions {
  groups?: number;
  /** Reminders per group. */
  perGroup?: number;
  /** 429s the fake answers on top of the limit checks. */
  scripted429?: number;
  /** The database (an empty schema): default a new SQLite file. */
  database?: () => Promise<SqlDatabase>;
  log?: (line: string) => void;
}

export interface RemindersBenchResult {
  groups: number;
  reminders: number;
  messages: number;
  lost: number;
  duplicates: number;
  /** 429s answered: scripted ones and limit violations. */
  answered429: { scripted: number; overLimit: number };
  retries: number;
  totalSeconds: number;
  minimumSeconds: number;
  overMinimumPercent: number;
}

const TOKEN = "123456789:AAHbenchbenchbenchbenchbenchbenchxyz";
const GLOBAL_PER_SECOND = 30;
const PER_CHAT_PER_MINUTE = 20;

interface FakeApi {
  apiRoot: string;
  /** Accepted sendMessage calls: chat id and message id. */
  accepted: { chat: string; messageId: number; text: string; at: number }[];
  scripted: number;
  overLimit: number;
  close(): Promise<void>;
}

async function startLimitedFake(scripted429: number): Promise<FakeApi> {
  const globalTimes: number[] = [];
  const chatTimes = new Map<string, number[]>();
  const accepted: FakeApi["accepted"] = [];
  let nextId = 1;
  let requests = 0;
  let scriptedLeft = scripted429;
  const state = { scripted: 0, overLimit: 0 };
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (d: Buffer) => (raw += d.toString("utf8")));
    req.on("end", () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (!req.url?.endsWith("/sendMessage")) return send(200, { ok: true, result: true });
      const body = JSON.parse(raw || "{}") as { chat_id: string | number; text: string };
      const chat = String(body.chat_id);
      const t = performance.now();
      while (globalTimes.length > 0 && globalTimes[0]! <= t - 1000) globalTimes.shift();
      const times = chatTimes.get(chat) ?? [];
      while (times.length > 0 && times[0]! <= t - 60_000) times.shift();
      const tooMany = (retry: number) =>
        send(429, {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${retry}`,
          parameters: { retry_after: retry },
        });
      // Every 97th message is refused once, as Telegram sometimes does.
      if (scriptedLeft > 0 && ++requests % 97 === 0) {
        scriptedLeft--;
        state.scripted++;
        return tooMany(1);
      }
      if (globalTimes.length >= GLOBAL_PER_SECOND || times.length >= PER_CHAT_PER_MINUTE) {
        state.overLimit++;
        return tooMany(1);
      }
      globalTimes.push(t);
      times.push(t);
      chatTimes.set(chat, times);
      const messageId = nextId++;
      accepted.push({ chat, messageId, text: body.text, at: t });
      send(200, {
        ok: true,
        result: { message_id: messageId, date: 0, chat: { id: Number(chat), type: "group" } },
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    accepted,
    get scripted() {
      return state.scripted;
    },
    get overLimit() {
      return state.overLimit;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function runRemindersBench(
  options: RemindersBenchOptions = {},
): Promise<RemindersBenchResult> {
  const groups = options.groups ?? 500;
  const perGroup = options.perGroup ?? 20;
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(path.join(tmpdir(), "motcua-reminders-bench-"));
  const db = options.database
    ? await options.database()
    : createSqliteSql({ file: path.join(dir, "bench.sqlite") });
  const fake = await startLimitedFake(options.scripted429 ?? 5);
  try {
    const agencies = parseAgencies({
      agencies: Array.from({ length: groups }, (_, i) => ({
        code: `B${String(i).padStart(5, "0")}`,
        name: `Cơ quan ${i}`,
        level: "commune",
      })),
    });
    const rules = { ...loadReminderRules(), periodic: [] };
    const store = createReminderStore(db, agencies);
    const now = new Date("2026-03-16T08:00:00+07:00");
    const chatOf = (i: number) => String(-1_000_000_000 - i);
    for (const [i, a] of agencies.entries()) {
      await store.requestLink(chatOf(i), a.code, null, "bench", now);
      await store.approve(chatOf(i), "bench", now);
      for (let k = 0; k < perGroup; k++) {
        await store.addCustom(
          { title: `Hạn ${k} của ${a.name}`, due: "2026-03-17", agency: a.code, ref: "bench" },
          "bench",
          now,
        );
      }
    }
    const dispatcher = createReminderDispatcher({
      store,
      rules,
      calendar: loadCalendar(),
      agencies,
      cases: () => [],
      sender: createTelegramReminderSender(new Api(TOKEN, { apiRoot: fake.apiRoot })),
      limiter: createSendLimiter({ now: () => performance.now() }),
      now: () => now,
      maxRetries: 20,
    });
    const started = performance.now();
    const result = await dispatcher.tick();
    const totalSeconds = (performance.now() - started) / 1000;

    const deliveries = await store.deliveries();
    const acceptedIds = new Map(fake.accepted.map((m) => [m.messageId, m.chat]));
    const lost = deliveries.filter(
      (d) => d.status !== "sent" || acceptedIds.get(d.message_id ?? -1) !== d.chat_id,
    ).length;
    const perChat = new Map<string, number>();
    for (const m of fake.accepted) perChat.set(m.chat, (perChat.get(m.chat) ?? 0) + 1);
    const duplicates = [...perChat.values()].reduce((s, n) => s + n - 1, 0);
    const messages = fake.accepted.length;
    const minimumSeconds = Math.max(
      (messages - 1) / GLOBAL_PER_SECOND,
      Math.max(0, Math.ceil(Math.max(...perChat.values()) / PER_CHAT_PER_MINUTE) - 1) * 60,
    );
    const out: RemindersBenchResult = {
      groups,
      reminders: deliveries.length,
      messages,
      lost: lost + Math.max(0, groups * perGroup - deliveries.length),
      duplicates,
      answered429: { scripted: fake.scripted, overLimit: fake.overLimit },
      retries: result.retries,
      totalSeconds: Number(totalSeconds.toFixed(2)),
      minimumSeconds: Number(minimumSeconds.toFixed(2)),
      overMinimumPercent:
        minimumSeconds > 0 ? Number(((totalSeconds / minimumSeconds - 1) * 100).toFixed(1)) : 0,
    };
    log(
      `reminders: ${out.reminders} over ${groups} groups → ${messages} digests in ` +
        `${out.totalSeconds} s (limit minimum ${out.minimumSeconds} s, +${out.overMinimumPercent}%); ` +
        `lost ${out.lost}, duplicates ${duplicates}, 429s ${fake.scripted} scripted + ` +
        `${fake.overLimit} over limit`,
    );
    return out;
  } finally {
    await fake.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
