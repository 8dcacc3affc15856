/**
 * Channels benchmark: messages per second and end-to-end latency through the full pipeline —
 * channel adapter → dialogue core (a fake that answers at once, with buttons) → reply at the fake
 * platform server — for Telegram (long polling with the runner, against the fake Bot API) and Zalo
 * (signed webhooks posted to the real HTTP server, replies to the fake OA API), with `users`
 * concurrent users. Each user sends its next message when the reply to the previous one arrived
 * (closed loop), `rounds` times; a wall-clock cap bounds the run.
 *
 * Latency: Telegram, from the update being offered to getUpdates to the sendMessage reaching the
 * fake server; Zalo, from the webhook POST being sent to the CS message reaching the fake server.
 * A short warm-up runs first, unmeasured. The bench client, the server and the fake platforms share
 * one event loop, so the figures are a lower bound of what the server alone sustains. Replies go
 * through the reply outbox (SQLite, as in production) unless `outbox: false`.
 *
 * Called as `runChannelsBench()`; also runnable alone: `npx tsx bench/channels.ts`.
 */
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { createReplyOutbox } from "../src/channels/reply-outbox.ts";
import { createTelegramChannel } from "../src/channels/telegram.ts";
import type { DialogueCore } from "../src/channels/types.ts";
import { createZaloChannel } from "../src/channels/zalo.ts";
import { createSqliteSql, type SqlDatabase } from "../src/db/index.ts";
import { createLogger } from "../src/logger.ts";
import { createChannelRoutes } from "../src/web/channel-routes.ts";
import { createServer } from "../src/web/server.ts";
import { FAKE_BOT_INFO, FAKE_BOT_TOKEN, startFakeTelegram } from "../test/helpers/fake-telegram.ts";
import {
  fakeZaloSettings,
  signZaloEvent,
  startFakeZalo,
  textEvent,
} from "../test/helpers/fake-zalo.ts";
import { summarize, type LatencySummary } from "./stats.ts";

export interface ChannelsBenchOptions {
  /** Concurrent users. Default 1,000. */
  users?: number;
  /** Messages each user sends, one after the other's reply. Default 5. */
  rounds?: number;
  /** Wall-clock cap per channel. Default 60 s. */
  maxMs?: number;
  /** Replies through the reply outbox (production). Default true. */
  outbox?: boolean;
  log?: (line: string) => void;
}

export interface ChannelRunResult {
  messages: number;
  replies: number;
  seconds: number;
  perSecond: number;
  latencyMs: LatencySummary;
  complete: boolean;
}

export interface ChannelsBenchResult {
  users: number;
  rounds: number;
  telegram: ChannelRunResult;
  zalo: ChannelRunResult;
}

/** Answers at once, with buttons, as a choice question would be. */
const instantCore: DialogueCore = {
  handle: (msg) =>
    Promise.resolve([
      {
        text: `Đáp: ${msg.text ?? msg.action ?? ""}`,
        buttons: [
          [
            { label: "👍", action: "rate:up:1" },
            { label: "👎", action: "rate:down:1" },
          ],
        ],
      },
    ]),
};

const silent = createLogger({ level: "silent" });

/** A reply outbox on `sql` (none when `use` is false). */
const outboxFor = (sql: SqlDatabase, use: boolean) =>
  use ? createReplyOutbox({ sql, now: () => new Date(), logger: silent }) : undefined;
/** Run first and not measured: JIT, connection pools, SQLite pages. */
const WARM_UP = { users: 50, rounds: 4 };

/** Runs a closed loop: `send(user, round)` starts a message; `replied(user)` ends it. */
function closedLoop(
  users: number,
  rounds: number,
  maxMs: number,
  send: (user: number, round: number) => void,
): {
  replied(user: number): void;
  done: Promise<ChannelRunResult>;
} {
  const sentAt = new Array<number>(users).fill(0);
  const round = new Array<number>(users).fill(0);
  const latencies: number[] = [];
  let finishedUsers = 0;
  let messages = 0;
  let stopped = false;
  const started = performance.now();
  let resolve!: (r: ChannelRunResult) => void;
  const done = new Promise<ChannelRunResult>((r) => (resolve = r));
  const finish = (complete: boolean) => {
    if (stopped) return;
    stopped = true;
    clearTimeout(cap);
    const seconds = (performance.now() - started) / 1000;
    resolve({
      messages,
      replies: latencies.length,
      seconds,
      perSecond: latencies.length / seconds,
      latencyMs: summarize(latencies),
      complete,
    });
  };
  const cap = setTimeout(() => finish(false), maxMs);
  const start = (user: number) => {
    sentAt[user] = performance.now();
    messages++;
    send(user, round[user]!);
  };
  for (let u = 0; u < users; u++) start(u);
  return {
    replied(user) {
      if (stopped) return;
      latencies.push(performance.now() - sentAt[user]!);
      round[user]!++;
      if (round[user]! < rounds) start(user);
      else if (++finishedUsers === users) finish(true);
    },
    done,
  };
}

async function benchTelegram(users: number, rounds: number, maxMs: number, useOutbox: boolean) {
  const tg = await startFakeTelegram();
  const dir = mkdtempSync(path.join(tmpdir(), "motcua-bench-telegram-"));
  const sql = createSqliteSql({ file: path.join(dir, "motcua.sqlite") });
  const outbox = outboxFor(sql, useOutbox);
  const channel = createTelegramChannel({
    token: FAKE_BOT_TOKEN,
    apiRoot: tg.apiRoot,
    botInfo: FAKE_BOT_INFO,
    core: instantCore,
    logger: silent,
    sql,
    ...(outbox ? { outbox } : {}),
    pollingTimeoutSeconds: 1,
    concurrency: 1000,
  });
  outbox?.register("telegram", channel.replyChannel);
  await channel.start();
  let base = 0;
  let loop: ReturnType<typeof closedLoop> | null = null;
  tg.onCall((call) => {
    if (call.method === "sendMessage") loop?.replied(Number(call.body.chat_id) - base);
  });
  const runLoop = (n: number, r: number, from: number) => {
    base = from;
    loop = closedLoop(n, r, maxMs, (user, round) => {
      tg.pushText(from + user, `câu hỏi ${round} của ${user}`);
    });
    return loop.done;
  };
  await runLoop(WARM_UP.users, WARM_UP.rounds, 1_000_000);
  const result = await runLoop(users, rounds, 10_000);
  await channel.stop();
  await tg.close();
  await sql.close();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

/**
 * Zalo: the load (signed webhook POSTs, one keep-alive connection per user) and the fake OA API
 * run in a worker thread, as Zalo's servers would run elsewhere; the server, the channel and the
 * core run here. Latency is measured in the worker, from POST to the reply reaching the fake API.
 */
async function benchZalo(users: number, rounds: number, maxMs: number, useOutbox: boolean) {
  // A worker does not inherit tsx's loader: register it there before importing this file.
  const boot = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const worker = new Worker(boot, {
    eval: true,
    workerData: { role: "zalo-load", users, rounds, maxMs },
  });
  const messages: { type: string; [k: string]: unknown }[] = [];
  let wake: (() => void) | null = null;
  worker.on("message", (m: { type: string }) => {
    messages.push(m);
    wake?.();
  });
  const failed = new Promise<never>((_r, reject) => worker.once("error", reject));
  const next = async (type: string) => {
    for (;;) {
      const i = messages.findIndex((m) => m.type === type);
      if (i >= 0) return messages.splice(i, 1)[0]!;
      await Promise.race([new Promise<void>((r) => (wake = r)), failed]);
    }
  };

  const { base } = (await next("fake")) as unknown as { base: string };
  const dir = mkdtempSync(path.join(tmpdir(), "motcua-bench-channels-"));
  const sql = createSqliteSql({ file: path.join(dir, "motcua.sqlite") });
  const outbox = outboxFor(sql, useOutbox);
  const channel = createZaloChannel({
    ...fakeZaloSettings(base),
    core: instantCore,
    sql,
    ...(outbox ? { outbox } : {}),
    logger: silent,
  });
  outbox?.register("zalo", channel.replyChannel);
  const server = createServer({
    ask: () => {
      throw new Error("not used");
    },
    logger: silent,
    extraRoutes: [createChannelRoutes({ zalo: channel, logger: silent })],
  });
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, resolve),
  );
  worker.postMessage({ type: "server", port: (server.address() as AddressInfo).port });
  const { result, failures } = (await next("result")) as unknown as {
    result: ChannelRunResult;
    failures: number;
  };
  await worker.terminate();
  await channel.stop();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await sql.close();
  rmSync(dir, { recursive: true, force: true });
  if (failures > 0) throw new Error(`${failures} webhook posts failed`);
  return result;
}

/** The worker side of benchZalo. */
async function zaloLoad(options: { users: number; rounds: number; maxMs: number }) {
  const port = parentPort!;
  const zalo = await startFakeZalo();
  const serverPort = new Promise<number>((resolve) =>
    port.once("message", (m: { port: number }) => resolve(m.port)),
  );
  port.postMessage({ type: "fake", base: zalo.base });
  const target = await serverPort;
  const agent = new http.Agent({ keepAlive: true });
  let offset = 0n;
  const userId = (user: number) => String(2468458835296100000n + offset + BigInt(user));
  let failures = 0;
  let loop: ReturnType<typeof closedLoop> | null = null;
  zalo.onSent((id) => {
    loop?.replied(Number(BigInt(id) - 2468458835296100000n - offset));
  });
  const runLoop = (n: number, r: number, from: bigint) => {
    offset = from;
    loop = closedLoop(n, r, options.maxMs, send);
    return loop.done;
  };
  function send(user: number, round: number) {
    const at = String(Date.now());
    const raw = JSON.stringify(
      textEvent({
        userId: userId(user),
        text: `câu hỏi ${round} của ${user}`,
        msgId: `b${userId(user)}-${round}`,
        at: new Date(Number(at)),
      }),
    );
    const req = http.request(
      {
        host: "127.0.0.1",
        port: target,
        path: "/webhooks/zalo",
        method: "POST",
        agent,
        headers: {
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(raw),
          "X-ZEvent-Signature": signZaloEvent(raw, at),
        },
      },
      (res) => {
        if (res.statusCode !== 200) failures++;
        res.resume();
      },
    );
    req.on("error", () => failures++);
    req.end(raw);
  }
  await runLoop(WARM_UP.users, WARM_UP.rounds, 1_000_000n);
  const result = await runLoop(options.users, options.rounds, 0n);
  agent.destroy();
  await zalo.close();
  port.postMessage({ type: "result", result, failures });
}

function line(name: string, r: ChannelRunResult): string {
  const l = r.latencyMs;
  return (
    `${name.padEnd(9)} ${r.replies}/${r.messages} replies in ${r.seconds.toFixed(1)} s = ` +
    `${r.perSecond.toFixed(0)} msg/s; latency p50 ${l.p50.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms, ` +
    `max ${l.max.toFixed(1)} ms${r.complete ? "" : " (stopped by the time cap)"}`
  );
}

export async function runChannelsBench(
  options: ChannelsBenchOptions = {},
): Promise<ChannelsBenchResult> {
  const users = options.users ?? 1000;
  const rounds = options.rounds ?? 5;
  const maxMs = options.maxMs ?? 60_000;
  const log = options.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const outbox = options.outbox ?? true;
  log(
    `Channels: ${users} concurrent users × ${rounds} messages, instant fake core, ` +
      `replies ${outbox ? "through the reply outbox" : "sent straight"}`,
  );
  const telegram = await benchTelegram(users, rounds, maxMs, outbox);
  log(line("telegram", telegram));
  const zalo = await benchZalo(users, rounds, maxMs, outbox);
  log(line("zalo", zalo));
  return { users, rounds, telegram, zalo };
}

const role = (workerData as { role?: string } | null)?.role;
if (!isMainThread && role === "zalo-load") {
  await zaloLoad(workerData as { users: number; rounds: number; maxMs: number });
}

const invokedDirectly =
  isMainThread &&
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  runChannelsBench({ outbox: !process.argv.includes("--no-outbox") }).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (err: unknown) => {
      process.stderr.write(`channels bench failed: ${err instanceof Error ? err.stack : err}\n`);
      process.exitCode = 1;
    },
  );
}
