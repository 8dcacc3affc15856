/**
 * Entry point: reads the configuration once, opens the database, loads the catalogue, builds the
 * assistant and serves the web chat. Stops cleanly on SIGINT / SIGTERM.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Channels } from "./channels/index.ts";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { openDatabase } from "./db/index.ts";
import { createSenderRegistry } from "./dialogue/index.ts";
import { createLogger } from "./logger.ts";
import { loadCalendar } from "./calendar/index.ts";
import type { Reminders } from "./reminders/index.ts";
import { createApp } from "./web/app.ts";
import { createChannelRoutes } from "./web/channel-routes.ts";
import { createChatWiring } from "./web/chat-wiring.ts";
import { createStaffRoutes } from "./web/staff-routes.ts";
import { createStaffAuth } from "./feedback/index.ts";
import {
  createHandoff,
  createTelegramStaffDesk,
  DEFAULT_HOTLINE_HOURS,
  keepingSenders,
  parseHotlineHours,
} from "./handoff/index.ts";
import { createFeedbackWiring } from "./web/feedback-wiring.ts";
import { findLocalModel } from "./search/index.ts";
import { buildAssistant } from "./wiring.ts";

export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });

  const retrieval = await buildAssistant({
    catalogueFile: config.catalogueFile,
    embeddings: config.embeddings,
    localModel: !config.embeddings && config.localEmbeddings ? findLocalModel() : null,
    llm: config.llm ?? null,
    dataDir: config.dataDir,
    logger,
    onError: (err) => logger.error({ err }, "assistant error"),
  });
  const { catalogue, assistant } = retrieval;
  logger.info({ procedures: catalogue.length, dataDir: config.dataDir }, "catalogue loaded");

  const db = openDatabase(config.databaseFile);
  // Citizen notifications: channels register a sender (the web chat's inbox below; Telegram and
  // Zalo when they start), the outbox dispatcher of the PAKN queue drains through them.
  const senders = createSenderRegistry();
  const feedback = createFeedbackWiring({
    config,
    logger,
    catalogue,
    dispatcher: (db) =>
      senders.dispatcher({
        db,
        now: () => new Date(),
        onError: (err, m) =>
          logger.warn({ err, channel: m.channel, ref: m.payload.ref }, "notification not sent"),
      }),
  });
  // Hand-off to hotline staff (src/handoff; README "Hand-over to hotline staff"): the Telegram staff group when
  // HOTLINE_STAFF_CHAT_ID is set, and the web console on /staff. It reaches citizens through the
  // senders the channels register.
  const kept = keepingSenders(senders);
  const handoff = createHandoff({
    db,
    now: () => new Date(),
    calendar: loadCalendar(),
    hours: parseHotlineHours(config.hotlineHours ?? DEFAULT_HOTLINE_HOURS),
    send: kept.send,
    logger,
  });
  const staffDesk =
    config.hotlineStaffChatId === undefined
      ? null
      : createTelegramStaffDesk({
          chatId: config.hotlineStaffChatId,
          api: () => channels.telegram?.bot.api,
          handoff,
          logger,
        });
  if (staffDesk) handoff.addDesk(staffDesk.desk);
  // The dialogue core (src/dialogue) behind the web chat; channel adapters take chat.dialogue.
  const chat = createChatWiring({
    db,
    queue: feedback.queue(db),
    assistant,
    senders: kept.registry,
    logger,
    handoff: handoff.dialogue,
  });
  // Deadline reminders to officials' Telegram groups (src/reminders; README "Deadline reminders").
  // Telegram and Zalo, each only when its settings are present (src/channels; README "Telegram and
  // Zalo OA channels"). Their modules (grammY, axios, node-cron) load only when configured.
  const paknQueue = feedback.queue(db);
  let reminders: Reminders | null = null;
  if (config.telegram) {
    const r = await import("./reminders/index.ts");
    reminders = r.createReminders({
      db,
      // Digests link to the desk's case pages: PUBLIC_BASE_URL, else the rules' consoleUrl.
      rules: {
        ...r.loadReminderRules(),
        ...(config.publicBaseUrl ? { consoleUrl: `${config.publicBaseUrl}/staff` } : {}),
      },
      agencies: r.loadAgencies(),
      calendar: loadCalendar(),
      now: () => new Date(),
      cases: () => r.feedbackCases(paknQueue),
      queue: paknQueue,
      telegram: config.telegram,
      logger,
    });
  }
  const channels: Pick<Channels, "telegram" | "zalo" | "needsWebhooks" | "stop"> =
    config.telegram || config.zalo
      ? (await import("./channels/index.ts")).startChannels({
          config,
          core: chat.dialogue,
          db,
          logger,
          senders: kept.registry,
          telegramGroupHandlers: [
            ...(staffDesk ? [staffDesk.handler] : []),
            ...(reminders ? [reminders.groupHandler] : []),
          ],
        })
      : { telegram: null, zalo: null, needsWebhooks: false, stop: async () => undefined };
  if (!config.telegram && !config.zalo) logger.info("no chat channel configured: web chat only");
  reminders?.start();
  const app = createApp({
    config,
    logger,
    assistant,
    db,
    health: retrieval.health,
    routes: (db) => [
      ...chat.routes,
      ...feedback.routes(db),
      ...(channels.needsWebhooks
        ? [createChannelRoutes({ zalo: channels.zalo, telegram: channels.telegram, logger })]
        : []),
      // The hotline console and the officials' PAKN desk (docs/officials-desk.md).
      createStaffRoutes({
        handoff,
        staff: createStaffAuth(config.staffTokens ?? []),
        logger,
        queue: paknQueue,
      }),
    ],
  });
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    feedback.stop();
    void reminders?.stop();
    channels
      .stop()
      .then(() => app.stop())
      .then(() => retrieval.stop())
      .then(
        () => clearTimeout(force),
        (err: unknown) => {
          logger.error({ err }, "error while stopping");
          process.exitCode = 1;
        },
      );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);

  try {
    await app.start();
  } catch (err) {
    logger.fatal({ err }, "could not start the web server");
    await channels.stop();
    await app.stop();
    await retrieval.stop();
    process.exitCode = 1;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main().catch((err: unknown) => {
    process.stderr.write(`motcua failed to start: ${err instanceof Error ? err.stack : err}\n`);
    process.exit(1);
  });
}
