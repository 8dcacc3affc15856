/**
 * Channel outage benchmark: are replies lost or doubled when Telegram and Zalo are briefly
 * unreachable? The channels run as `startChannels` builds them (Telegram in webhook mode, Zalo,
 * one reply outbox with its retry timer), behind the real HTTP server. With both fake platform
 * APIs down (connections refused), `users` Telegram updates and `users` Zalo events are posted to
 * the webhooks (each answered 200); the APIs come back after `downMs`. Measured: replies that
 * reached each platform, duplicates, and the time from the APIs coming back to the last reply.
 *
 * Called as `runChannelOutageBench()`; also runnable alone: `npx tsx bench/channel-outage.ts`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startChannels } from "../src/channels/start.ts";
import type { DialogueCore } from "../src/channels/types.ts";
import { createSqliteSql } from "../src/db/index.ts";
import { createLogger } from "../src/logger.ts";
import { createChannelRoutes } from "../src/web/channel-routes.ts";
import { createServer } from "../src/web/server.ts";
import { FAKE_BOT_TOKEN, startFakeTelegram } from "../test/helpers/fake-telegram.ts";
import {
  fakeZaloSettings,
  signZaloEvent,
  startFakeZalo,
  textEvent,
} from "../test/helpers/fake-zalo.ts";

export interface ChannelOutageOptions {
  /** Users writing during the outage, per channel. Default 20. */
  users?: number;
  /** How long the APIs are down. Default 12 s. */
  downMs?: number;
  /** Give up waiting this long after the APIs are back. Default 60 s. */
  maxWaitMs?: number;
  log?: (line: string) => void;
}

export interface ChannelOutageSide {
  expected: number;
  delivered: number;
  duplicates: number;
  /** From the API coming back to the last reply arriving; null when not all arrived. */
  recoveryMs: number | null;
}

export interface ChannelOutageResult {
  users: number;
  downMs: number;
  webhookOk: number;
  telegram: ChannelOutageSide;
  zalo: ChannelOutageSide;
}

const SECRET = "bench_outage_secret_0123456789";
const core: DialogueCore = {
  handle: (msg) => Promise.resolve([{ text: `Đáp ${msg.userId}: ${msg.text ?? ""}` }]),
};
const silent = createLogger({ level: "silent" });

export async function runChannelOutageBench(
  options: ChannelOutageOptions = {},
): Promise<ChannelOutageResult> {
  const users = options.users ?? 20;
  const downMs = options.downMs ?? 12_000;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const log = options.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const tg = await startFakeTelegram();
  const zalo = await startFakeZalo();
  const dir = mkdtempSync(path.join(tmpdir(), "motcua-bench-outage-"));
  const sql = createSqliteSql({ file: path.join(dir, "motcua.sqlite") });
  const channels = startChannels({
    config: {
      telegram: {
        token: FAKE_BOT_TOKEN,
        apiRoot: tg.apiRoot,
        webhook: { url: "https://motcua.example.vn/webhooks/telegram", secret: SECRET },
      },
      zalo: {
        ...fakeZaloSettings(zalo.base),
      },
    },
    core,
    sql,
    logger: silent,
  });
  await channels.ready;
  const server = createServer({
    ask: () => {
      throw new Error("not used");
    },
    logger: silent,
    extraRoutes: [
      createChannelRoutes({ zalo: channels.zalo, telegram: channels.telegram, logger: silent }),
    ],
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  channels.replies.start();

  await Promise.all([tg.down(), zalo.down()]);
  let webhookOk = 0;
  const posts: Promise<void>[] = [];
  for (let u = 0; u < users; u++) {
    const update = tg.textUpdate(500 + u, `câu hỏi ${u}`);
    posts.push(
      fetch(`${base}/webhooks/telegram`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET },
        body: JSON.stringify(update),
      }).then((r) => void (r.status === 200 && webhookOk++)),
    );
    const at = String(Date.now());
    const raw = JSON.stringify(
      textEvent({
        userId: String(7000 + u),
        text: `câu hỏi ${u}`,
        msgId: `o${u}`,
        at: new Date(Number(at)),
      }),
    );
    posts.push(
      fetch(`${base}/webhooks/zalo`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-ZEvent-Signature": signZaloEvent(raw, at),
        },
        body: raw,
      }).then((r) => void (r.status === 200 && webhookOk++)),
    );
  }
  await Promise.all(posts);
  await new Promise((r) => setTimeout(r, downMs));

  const tgTimes: number[] = [];
  const zaloTimes: number[] = [];
  tg.onCall((c) => void (c.method === "sendMessage" && tgTimes.push(performance.now())));
  zalo.onSent(() => void zaloTimes.push(performance.now()));
  await Promise.all([tg.up(), zalo.up()]);
  const back = performance.now();
  const tgReplies = () => tg.callsOf("sendMessage").length;
  const done = () => tgReplies() >= users && zalo.sent().length >= users;
  while (!done() && performance.now() - back < maxWaitMs) {
    await new Promise((r) => setTimeout(r, 100));
  }
  // A little longer, to see a duplicate that would come late.
  await new Promise((r) => setTimeout(r, 3000));

  const side = (texts: string[], times: number[]): ChannelOutageSide => {
    const distinct = new Set(texts).size;
    return {
      expected: users,
      delivered: distinct,
      duplicates: texts.length - distinct,
      recoveryMs: distinct >= users && times.length > 0 ? times[users - 1]! - back : null,
    };
  };
  const result: ChannelOutageResult = {
    users,
    downMs,
    webhookOk,
    telegram: side(
      tg.callsOf("sendMessage").map((c) => String(c.body.text)),
      tgTimes,
    ),
    zalo: side(
      zalo.sent().map((s) => String(s.message.text)),
      zaloTimes,
    ),
  };
  for (const [name, s] of [
    ["telegram", result.telegram],
    ["zalo", result.zalo],
  ] as const) {
    log(
      `${name.padEnd(9)} ${s.delivered}/${s.expected} replies after a ${downMs / 1000} s outage, ` +
        `${s.duplicates} duplicates, last one ${s.recoveryMs === null ? "never" : `${(s.recoveryMs / 1000).toFixed(1)} s`} after the API came back`,
    );
  }

  await channels.stop();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await tg.close();
  await zalo.close();
  await sql.close();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  runChannelOutageBench().then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (err: unknown) => {
      process.stderr.write(
        `channel outage bench failed: ${err instanceof Error ? err.stack : err}\n`,
      );
      process.exitCode = 1;
    },
  );
}
