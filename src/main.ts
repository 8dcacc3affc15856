/**
 * The composition root. `createService` reads nothing but the configuration it is given, builds
 * every part once and in order (database, assistant, PAKN store, hand-over, dialogue core,
 * reminders), and starts nothing: channels, background jobs, reminders and the HTTP server start
 * in `start()`. `stop()` stops them in reverse, waits for work under way, then closes the
 * database. `main()` reads the configuration once and stops cleanly on SIGINT / SIGTERM.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCalendar } from "./calendar/index.ts";
import type { Channels } from "./channels/index.ts";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { MotcuaError } from "./errors.ts";
import { describeTarget, isBusyError, openSqlDatabase } from "./db/index.ts";
import { createSenderRegistry, INBOX_KEEP_DAYS } from "./dialogue/index.ts";
import {
  createDeadlineCalculator,
  createDesk,
  createFeedbackStore,
  createProcedureDirectory,
  createScopeResolver,
  createStaffAuth,
  loadAgencyDirectory,
  loadRules,
  startFeedbackJobs,
} from "./feedback/index.ts";
import {
  createHandoff,
  createTelegramStaffDesk,
  DEFAULT_HOTLINE_HOURS,
  keepingSenders,
  parseHotlineHours,
} from "./handoff/index.ts";
import { createLogger, type Logger } from "./logger.ts";
import { purgeExpired } from "./privacy/index.ts";
import type { Reminders } from "./reminders/index.ts";
import { findLocalModel } from "./search/index.ts";
import { createApp, type App } from "./web/app.ts";
import { createChannelRoutes } from "./web/channel-routes.ts";
import { RATE_LIMITS } from "./web/rate-limit.ts";
import { createChatWiring } from "./web/chat-wiring.ts";
import { createFeedbackRoutes } from "./web/feedback-routes.ts";
import { createStaffRoutes } from "./web/staff-routes.ts";
import { buildAssistant } from "./wiring.ts";

export interface Service {
  /** Starts the channels, background jobs, reminders and the HTTP server; resolves with its URL. */
  start(): Promise<{ url: string }>;
  /** Stops everything started, waits for work under way, then closes the database. */
  stop(): Promise<void>;
}

export async function createService(config: Config, logger: Logger): Promise<Service> {
  const now = () => new Date();
  const calendar = loadCalendar();
  const staff = createStaffAuth(config.staffTokens ?? []);
  if (!staff.enabled)
    logger.warn("STAFF_TOKEN_HASHES is not set: staff feedback endpoints refuse everyone");
  // data/agencies.json: staff scopes name an agency by its code.
  const agencies = loadAgencyDirectory();
  for (const t of config.staffTokens ?? []) {
    if (t.scope !== undefined && !agencies.some((a) => a.code === t.scope)) {
      logger.warn(
        { staff: t.name, scope: t.scope },
        "staff token scope is not an agency code of data/agencies.json: it matches only cases whose agency is that text",
      );
    }
  }

  // The database: the SQLite file (the embedded default) or PostgreSQL shared by several instances
  // (DATABASE_URL, docs/deployment.md). Opened first, so that an unreachable server or a newer
  // schema stops the start before anything else is built.
  const sql = await openSqlDatabase(config);
  logger.info(
    config.postgres
      ? { database: "postgres", target: describeTarget(config.postgres.url) }
      : { database: "sqlite", file: config.databaseFile },
    "database open",
  );
  if (config.postgres && config.telegram && !config.telegram.webhook) {
    // Telegram hands each update to one getUpdates caller: two instances polling take turns and
    // fail with 409. Behind a load balancer, use the webhook.
    logger.warn(
      "DATABASE_URL is set but Telegram uses long polling: run only this one instance, or set TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET",
    );
  }

  const retrieval = await buildAssistant({
    catalogueFile: config.catalogueFile,
    embeddings: config.embeddings,
    localModel: !config.embeddings && config.localEmbeddings ? findLocalModel() : null,
    llm: config.llm ?? null,
    dataDir: config.dataDir,
    logger,
    onError: (err) => logger.error({ err }, "assistant error"),
  }).catch(async (err: unknown) => {
    await sql.close();
    throw err;
  });
  const { catalogue, assistant } = retrieval;
  logger.info({ procedures: catalogue.length, dataDir: config.dataDir }, "catalogue loaded");

  // Citizen notifications: each channel registers a sender (the web chat's inbox here; Telegram
  // and Zalo when they start); the PAKN outbox dispatcher drains through them.
  const senders = createSenderRegistry();
  const kept = keepingSenders(senders);
  // Hand-over to hotline staff: the Telegram staff group when HOTLINE_STAFF_CHAT_ID is set, and
  // the web console on /staff. Its messages to Telegram and Zalo citizens go through the channels'
  // reply outbox once they start (kept.useChannels below).
  const handoff = createHandoff({
    sql,
    now,
    calendar,
    hours: parseHotlineHours(config.hotlineHours ?? DEFAULT_HOTLINE_HOURS),
    send: kept.send,
    deliveries: kept.deliveries,
    logger,
  });
  let channels: Pick<Channels, "telegram" | "zalo" | "needsWebhooks" | "stop"> | null = null;
  const staffDesk =
    config.hotlineStaffChatId === undefined
      ? null
      : createTelegramStaffDesk({
          chatId: config.hotlineStaffChatId,
          api: () => channels?.telegram?.bot.api,
          handoff,
          logger,
        });
  if (staffDesk) handoff.addDesk(staffDesk.desk);

  // The PAKN store on the SqlDatabase: the chat files through it (a case filed from the chat
  // commits with its state); the web routes, the officials' desk, the reminders and the jobs
  // read and change the cases through it.
  const procedures = createProcedureDirectory(catalogue);
  const feedback = createFeedbackStore({
    sql,
    now,
    deadlines: createDeadlineCalculator(loadRules(), calendar),
    calendar,
    procedures,
  });
  const scopes = createScopeResolver({ directory: agencies, agencies: feedback.agencies });
  const desk = createDesk({ store: feedback, now, calendar, scopes, procedures });

  // The dialogue core behind every channel, with the web chat's routes and inbox.
  const chat = createChatWiring({
    sql,
    feedback,
    assistant,
    senders: kept.registry,
    logger,
    now,
    handoff: handoff.dialogue,
    // On PostgreSQL a turn keeps a pooled connection for its user's lock while its statements
    // take others: at most half the pool is held that way.
    ...(config.postgres
      ? { lockedTurns: Math.max(1, Math.floor(config.postgres.poolSize / 2)) }
      : {}),
  });

  // Deadline reminders to officials' Telegram groups; grammY and node-cron load only when used.
  let reminders: Reminders | null = null;
  if (config.telegram) {
    const r = await import("./reminders/index.ts");
    reminders = r.createReminders({
      sql,
      // Digests link to the desk's case pages: PUBLIC_BASE_URL, else the rules' consoleUrl.
      rules: {
        ...r.loadReminderRules(),
        ...(config.publicBaseUrl ? { consoleUrl: `${config.publicBaseUrl}/staff` } : {}),
      },
      agencies: r.loadAgencies(),
      calendar,
      now,
      cases: () => r.feedbackCases(feedback),
      feedback,
      telegram: config.telegram,
      logger,
    });
  }

  let jobs: { stop(): void } | null = null;
  let housekeeping: NodeJS.Timeout | null = null;
  let retention: NodeJS.Timeout | null = null;
  let purging: Promise<void> = Promise.resolve();
  let app: App | null = null;
  let stopping: Promise<void> | null = null;

  return {
    async start() {
      // The bundled model starts beside the rest; the HTTP server listens once it runs.
      const model = retrieval.start();
      jobs = startFeedbackJobs({
        feedback,
        dispatcher: senders.dispatcher({
          sql,
          now,
          onError: (err, m) =>
            logger.warn({ err, channel: m.channel, ref: m.payload.ref }, "notification not sent"),
        }),
        onError: (err, job) => logger.error({ err, job }, "feedback job failed"),
        onBusy: (err, job) => logger.warn({ err, job }, "feedback job skipped: database busy"),
      });
      // Web chat notifications are kept INBOX_KEEP_DAYS, then deleted (read or not).
      const prune = () =>
        chat.inbox
          .prune(new Date(now().getTime() - INBOX_KEEP_DAYS * 86_400_000))
          .catch((err: unknown) => {
            // Another connection held the lock: the next run (6 h) prunes.
            if (isBusyError(err)) logger.warn({ err }, "inbox pruning skipped: database busy");
            else logger.error({ err }, "inbox pruning failed");
          });
      void prune();
      housekeeping = setInterval(prune, 6 * 3600_000);
      housekeeping.unref();
      // Personal data older than RETENTION_DAYS is anonymised once a day (docs/privacy.md); the
      // log carries the counts only. Runs one after the other; stop() waits for the one under way.
      const purge = () => {
        purging = purging
          .then(() => purgeExpired({ sql, now, retentionDays: config.retentionDays }))
          .then(
            ({ counts }) =>
              logger.info({ counts, retentionDays: config.retentionDays }, "retention purge"),
            (err: unknown) => {
              // Another connection held the lock: the next run (24 h) purges.
              if (isBusyError(err)) logger.warn({ err }, "retention purge skipped: database busy");
              else logger.error({ err }, "retention purge failed");
            },
          );
      };
      purge();
      retention = setInterval(purge, 24 * 3600_000);
      retention.unref();
      if (config.telegram || config.zalo) {
        const chatChannels = (await import("./channels/index.ts")).startChannels({
          config,
          core: chat.dialogue,
          sql,
          logger,
          senders: kept.registry,
          telegramGroupHandlers: [
            ...(staffDesk ? [staffDesk.handler] : []),
            ...(reminders ? [reminders.groupHandler] : []),
          ],
        });
        // Telegram and Zalo replies not taken yet (an outage, a restart) are retried from now on;
        // channels.stop() stops the timer.
        chatChannels.replies.start();
        kept.useChannels(chatChannels);
        channels = chatChannels;
      } else {
        logger.info("no chat channel configured: web chat only");
      }
      reminders?.start();
      const started = channels;
      app = createApp({
        config,
        logger,
        assistant,
        sql,
        health: retrieval.health,
        rateLimits: RATE_LIMITS,
        trustedProxies: config.trustedProxies,
        routes: () => [
          ...chat.routes,
          createFeedbackRoutes({ feedback, scopes, staff, logger }),
          ...(started?.needsWebhooks
            ? [createChannelRoutes({ zalo: started.zalo, telegram: started.telegram, logger })]
            : []),
          // The hotline console and the officials' PAKN desk (docs/officials-desk.md).
          createStaffRoutes({
            handoff,
            staff,
            logger,
            feedback: { store: feedback, desk, scopes },
          }),
        ],
      });
      await model;
      return app.start();
    },
    stop() {
      stopping ??= (async () => {
        jobs?.stop();
        if (housekeeping) clearInterval(housekeeping);
        if (retention) clearInterval(retention);
        await reminders?.stop();
        await channels?.stop();
        // Closes the server and lets requests under way finish; then the databases close.
        if (app) await app.stop();
        await purging;
        await sql.close();
        await retrieval.stop();
      })();
      return stopping;
    },
  };
}

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
  let service: Service;
  try {
    service = await createService(config, logger);
  } catch (err) {
    // A database that cannot be reached or has a newer schema, a bad data file: named, no stack.
    if (err instanceof MotcuaError) {
      process.stderr.write(`motcua cannot start (${err.code}): ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }

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
    service.stop().then(
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
    await service.start();
  } catch (err) {
    logger.fatal({ err }, "could not start the web server");
    await service.stop();
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
