/**
 * A fake Telegram Bot API on 127.0.0.1 (port 0) for tests and the bench: grammY talks to it via
 * `client: { apiRoot }`. It records every call, serves getUpdates by long polling from updates the
 * test pushes, and can be scripted to fail the next calls of a method (429 with retry_after, 5xx,
 * 403…). `waitFor` resolves when a matching call arrives: tests wait on events, never on sleeps.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { UserFromGetMe } from "grammy/types";
import { replyJson } from "./reply-json.ts";

export const FAKE_BOT_TOKEN = "123456789:AAHfakefakefakefakefakefakefakefake_xyz";

export const FAKE_BOT_INFO: UserFromGetMe = {
  id: 123456789,
  is_bot: true,
  first_name: "Một cửa",
  username: "MotcuaTestBot",
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

export interface TelegramCall {
  method: string;
  body: Record<string, unknown>;
  at: number;
}

export interface ScriptedFailure {
  status: number;
  description?: string;
  retryAfter?: number;
}

export interface FakeTelegram {
  /** e.g. "http://127.0.0.1:41234" */
  apiRoot: string;
  calls: TelegramCall[];
  /** Calls of one method (sendMessage…). */
  callsOf(method: string): TelegramCall[];
  /** Queues an update for getUpdates; returns its update_id. */
  pushUpdate(update: Record<string, unknown>): number;
  /** A private-chat text message from user `userId`. */
  pushText(userId: number, text: string): number;
  /** A press on an inline button with `data`, on a message in the user's private chat. */
  pushCallback(userId: number, data: string): number;
  /** The update objects as pushed (for webhook tests). */
  textUpdate(userId: number, text: string): Record<string, unknown>;
  callbackUpdate(userId: number, data: string): Record<string, unknown>;
  /** The next `count` calls of `method` fail with this answer. */
  failNext(method: string, failure: ScriptedFailure, count?: number): void;
  /** Resolves with the first call (past or future) matching `predicate`. */
  waitFor(predicate: (call: TelegramCall) => boolean): Promise<TelegramCall>;
  /** Calls `listener` with every recorded call from now on (benchmarks). */
  onCall(listener: (call: TelegramCall) => void): void;
  /** Stops listening (connections refused, open ones cut) until `up()`: the platform is down. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Resolves when `n` calls match. */
  waitForCount(predicate: (call: TelegramCall) => boolean, n: number): Promise<TelegramCall[]>;
  close(): Promise<void>;
}

interface Waiter {
  predicate: (call: TelegramCall) => boolean;
  n: number;
  resolve: (calls: TelegramCall[]) => void;
}

export async function startFakeTelegram(token = FAKE_BOT_TOKEN): Promise<FakeTelegram> {
  const calls: TelegramCall[] = [];
  const updates: Record<string, unknown>[] = [];
  const failures = new Map<string, ScriptedFailure[]>();
  const pollers = new Set<() => void>();
  let waiters: Waiter[] = [];
  const listeners: ((call: TelegramCall) => void)[] = [];
  let nextUpdateId = 1;
  let nextMessageId = 1000;

  const record = (call: TelegramCall) => {
    calls.push(call);
    for (const l of listeners) l(call);
    waiters = waiters.filter((w) => {
      const matching = calls.filter(w.predicate);
      if (matching.length < w.n) return true;
      w.resolve(matching.slice(0, w.n));
      return false;
    });
  };

  const wake = () => {
    for (const p of [...pollers]) p();
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
      const reply = (status: number, value: unknown) => replyJson(res, status, value);
      if (!m || m[1] !== token) {
        reply(401, { ok: false, error_code: 401, description: "Unauthorized" });
        return;
      }
      const method = m[2]!;
      let body: Record<string, unknown> = {};
      try {
        const text = Buffer.concat(chunks).toString("utf8");
        if (text) body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // recorded as empty
      }
      const call = { method, body, at: Date.now() };
      const scripted = failures.get(method);
      if (scripted && scripted.length > 0) {
        const f = scripted.shift()!;
        record(call);
        reply(f.status, {
          ok: false,
          error_code: f.status,
          description: f.description ?? `Scripted failure ${f.status}`,
          ...(f.retryAfter !== undefined ? { parameters: { retry_after: f.retryAfter } } : {}),
        });
        return;
      }
      if (method === "getUpdates") {
        const offset = Number(body.offset ?? 0);
        const limit = Number(body.limit ?? 100);
        const timeout = Math.min(Number(body.timeout ?? 0), 30);
        const answer = () => {
          const batch = updates
            .filter((u) => (u.update_id as number) >= offset)
            .slice(0, Math.max(1, limit));
          if (batch.length === 0) return false;
          pollers.delete(poll);
          clearTimeout(timer);
          reply(200, { ok: true, result: batch });
          return true;
        };
        const poll = () => void answer();
        const timer = setTimeout(() => {
          pollers.delete(poll);
          reply(200, { ok: true, result: [] });
        }, timeout * 1000);
        res.on("close", () => {
          pollers.delete(poll);
          clearTimeout(timer);
        });
        // Acknowledged updates are forgotten, as Telegram does.
        while (updates.length > 0 && (updates[0]!.update_id as number) < offset) updates.shift();
        if (!answer()) pollers.add(poll);
        return;
      }
      record(call);
      switch (method) {
        case "getMe":
          return reply(200, { ok: true, result: FAKE_BOT_INFO });
        case "sendMessage":
          return reply(200, {
            ok: true,
            result: {
              message_id: nextMessageId++,
              date: Math.floor(Date.now() / 1000),
              chat: { id: body.chat_id, type: "private" },
              text: body.text,
              ...(body.reply_markup ? { reply_markup: body.reply_markup } : {}),
            },
          });
        case "copyMessage":
          return reply(200, { ok: true, result: { message_id: nextMessageId++ } });
        default:
          return reply(200, { ok: true, result: true });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const from = (userId: number) => ({ id: userId, is_bot: false, first_name: `U${userId}` });
  const textUpdate = (userId: number, text: string) => {
    const commandLength = /^\/\w+(@\w+)?/.exec(text)?.[0].length;
    return {
      update_id: nextUpdateId++,
      message: {
        message_id: nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: userId, type: "private", first_name: `U${userId}` },
        from: from(userId),
        text,
        ...(commandLength
          ? { entities: [{ type: "bot_command", offset: 0, length: commandLength }] }
          : {}),
      },
    };
  };
  const callbackUpdate = (userId: number, data: string) => ({
    update_id: nextUpdateId++,
    callback_query: {
      id: `cb${nextUpdateId}`,
      from: from(userId),
      chat_instance: `ci${userId}`,
      data,
      message: {
        message_id: nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: userId, type: "private", first_name: `U${userId}` },
        from: { id: FAKE_BOT_INFO.id, is_bot: true, first_name: FAKE_BOT_INFO.first_name },
        text: "…",
      },
    },
  });
  const pushUpdate = (update: Record<string, unknown>) => {
    update.update_id ??= nextUpdateId++;
    updates.push(update);
    wake();
    return update.update_id as number;
  };

  const waitForCount = (predicate: (call: TelegramCall) => boolean, n: number) =>
    new Promise<TelegramCall[]>((resolve) => {
      const matching = calls.filter(predicate);
      if (matching.length >= n) resolve(matching.slice(0, n));
      else waiters.push({ predicate, n, resolve });
    });

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method),
    pushUpdate,
    pushText: (userId, text) => pushUpdate(textUpdate(userId, text)),
    pushCallback: (userId, data) => pushUpdate(callbackUpdate(userId, data)),
    textUpdate,
    callbackUpdate,
    failNext(method, failure, count = 1) {
      const list = failures.get(method) ?? [];
      for (let i = 0; i < count; i++) list.push(failure);
      failures.set(method, list);
    },
    onCall(listener) {
      listeners.push(listener);
    },
    waitFor: (predicate) => waitForCount(predicate, 1).then((c) => c[0]!),
    waitForCount,
    async down() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async up() {
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
