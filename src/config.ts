/**
 * The environment, read once: one zod schema, an optional `.env` file (real environment wins),
 * and a `ConfigError` that names the bad keys without ever printing their values.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { MotcuaError } from "./errors.ts";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** An OpenAI-compatible chat endpoint for grounded answers (src/llm). */
export interface LlmConfig {
  baseUrl: string;
  apiKey: string;
  model: string;
  /** Budget of one model call; past it the offline answer is shown. */
  timeoutMs: number;
}

export interface EmbeddingsConfig {
  baseUrl: string;
  apiKey: string;
  model: string;
  /** Added before each question / catalogue text (e5 served by TEI or vLLM: "query: ", "passage: "). */
  queryPrefix?: string;
  passagePrefix?: string;
}

export interface Config {
  port: number;
  host: string;
  /** Absolute path of the directory that holds the state (SQLite database…). */
  dataDir: string;
  /** `${dataDir}/motcua.sqlite`: the database unless `postgres` is set. */
  databaseFile: string;
  /**
   * PostgreSQL instead of the SQLite file (DATABASE_URL=postgres://…, DATABASE_POOL_SIZE,
   * docs/deployment.md): several instances may share it. Absent: the SQLite file.
   */
  postgres?: { url: string; poolSize: number };
  logLevel: LogLevel;
  /** Override of the catalogue file; undefined → the catalogue module's default. */
  catalogueFile: string | undefined;
  /** Settings of an OpenAI-compatible embeddings API for hybrid search; null when not set. */
  embeddings: EmbeddingsConfig | null;
  /**
   * Whether the bundled model (.venv, `npm run setup`) is started when no EMBEDDINGS_* endpoint
   * is set. LOCAL_EMBEDDINGS=off turns it off.
   */
  localEmbeddings: boolean;
  /**
   * Staff API tokens, as sha256 hashes with a staff name and an optional agency scope
   * (STAFF_TOKEN_HASHES="name:hex[:AGENCY],…"; docs/officials-desk.md).
   * Absent when none is configured: then no staff endpoint accepts anyone.
   */
  staffTokens?: StaffTokenConfig[];
  /** The LLM path (src/llm); absent when the LLM_* keys are not set: offline answers only. */
  llm?: LlmConfig;
  /** The Telegram bot (src/channels/telegram.ts); absent when TELEGRAM_BOT_TOKEN is not set. */
  telegram?: TelegramConfig;
  /** The Zalo Official Account (src/channels/zalo.ts); absent when the ZALO_* keys are not set. */
  zalo?: ZaloConfig;
  /** The hotline staff group on Telegram (src/handoff); absent when HOTLINE_STAFF_CHAT_ID is unset. */
  hotlineStaffChatId?: number;
  /** Hotline hours on working days, "07:30-17:00" (HOTLINE_HOURS); absent → src/handoff's default. */
  hotlineHours?: string;
  /**
   * Where citizens and officials reach this server (PUBLIC_BASE_URL, e.g.
   * "https://motcua.example.gov.vn", no trailing slash): reminder digests link to
   * `<it>/staff/pakn/<ref>`. Absent: the `consoleUrl` of data/reminder-rules.json is used.
   */
  publicBaseUrl?: string;
  /**
   * Reverse proxies (TRUST_PROXY, comma-separated IP addresses) whose X-Forwarded-For gives the
   * client's address for the per-client rate limits; none: the socket's address is the client's.
   */
  trustedProxies: string[];
  /**
   * Days personal data is kept (RETENTION_DAYS, default 365): past them, closed PAKN cases,
   * conversations, ratings and hand-over transcripts are anonymised (src/privacy, docs/privacy.md).
   */
  retentionDays: number;
}

export interface TelegramConfig {
  token: string;
  /** Bot API root; undefined → https://api.telegram.org. */
  apiRoot?: string;
  /** Webhook mode when set; long polling otherwise. */
  webhook?: { url: string; secret: string };
}

export interface ZaloConfig {
  appId: string;
  /** OA secret key: verifies the webhook signature. */
  oaSecretKey: string;
  /** The app's secret key: the `secret_key` header of the token refresh. */
  appSecret: string;
  /** Optional seed; without it the first send refreshes. */
  accessToken?: string;
  /** Seed of the single-use refresh token (the newest one is kept in SQLite). */
  refreshToken: string;
  apiBase: string;
  oauthBase: string;
}

export interface StaffTokenConfig {
  name: string;
  /** sha256 of the token, 64 lowercase hex digits. */
  sha256: string;
  /** An agency code: the holder sees only that agency's cases. Absent: every case (`*`). */
  scope?: string;
}

export class ConfigError extends MotcuaError {
  readonly code = "config_invalid";
  /** The environment keys (or `.env` lines) that are wrong. */
  readonly keys: string[];
  constructor(message: string, keys: string[]) {
    super(message);
    this.keys = keys;
  }
}

const PORT_ERROR = "must be an integer between 0 and 65535";
/** PostgreSQL connections per instance; a held user lock or transaction takes one each. */
export const DEFAULT_POOL_SIZE = 10;
const POOL_ERROR = "must be a whole number of connections between 2 and 100";
const EMBEDDING_KEYS = ["EMBEDDINGS_BASE_URL", "EMBEDDINGS_API_KEY", "EMBEDDINGS_MODEL"] as const;
const LLM_KEYS = ["LLM_BASE_URL", "LLM_API_KEY", "LLM_MODEL"] as const;
const DEFAULT_LLM_TIMEOUT_MS = 8000;
const LLM_TIMEOUT_ERROR = "must be a whole number of milliseconds between 100 and 120000";
/**
 * At least 90 days: a closed case stays whole for the 90 days in which a citizen may still
 * complain about how it was handled (Luật Khiếu nại 2011, Điều 9); at most 3650, against typos.
 */
export const MIN_RETENTION_DAYS = 90;
export const MAX_RETENTION_DAYS = 3650;
const RETENTION_ERROR = `must be a whole number of days between ${MIN_RETENTION_DAYS} and ${MAX_RETENTION_DAYS}`;

/** Unset and empty are the same thing ("KEY=" in a .env file). */
const optionalText = z.string().trim().min(1).optional();

const TELEGRAM_KEYS = [
  "TELEGRAM_BOT_TOKEN",
  "TELEGRAM_API_ROOT",
  "TELEGRAM_WEBHOOK_URL",
  "TELEGRAM_WEBHOOK_SECRET",
] as const;
const TELEGRAM_WEBHOOK_KEYS = ["TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET"] as const;
const ZALO_KEYS = [
  "ZALO_APP_ID",
  "ZALO_OA_SECRET_KEY",
  "ZALO_APP_SECRET",
  "ZALO_ACCESS_TOKEN",
  "ZALO_REFRESH_TOKEN",
  "ZALO_API_BASE",
  "ZALO_OAUTH_BASE",
] as const;
const ZALO_REQUIRED_KEYS = [
  "ZALO_APP_ID",
  "ZALO_OA_SECRET_KEY",
  "ZALO_APP_SECRET",
  "ZALO_REFRESH_TOKEN",
] as const;
const DEFAULT_ZALO_API_BASE = "https://openapi.zalo.me";
const DEFAULT_ZALO_OAUTH_BASE = "https://oauth.zaloapp.com";

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const secretText = (pattern: RegExp, error: string) =>
  z.string().trim().regex(pattern, { error }).optional();

/** Keys of `group` that are set, and an issue on each of `required` that is not. */
function requireTogether(
  env: Record<string, unknown>,
  group: readonly string[],
  required: readonly string[],
  what: string,
  ctx: z.RefinementCtx,
): void {
  const set = group.filter((key) => env[key] !== undefined);
  if (set.length === 0) return;
  for (const key of required.filter((k) => env[k] === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: [key],
      message: `required when ${set.join(", ")} ${set.length > 1 ? "are" : "is"} set (${what})`,
    });
  }
}

/** name:sha256hex, optionally :SCOPE (an agency code of data/agencies.json, or * for all). */
const STAFF_TOKEN_ENTRY =
  /^([\p{L}\p{N}_.@-]{1,64}):([0-9a-f]{64})(?::(\*|[A-Z0-9][A-Z0-9-]{0,19}))?$/u;

/**
 * "name:sha256hex[:SCOPE]" entries, comma-separated; never echoes a value in its errors. An entry
 * without a scope means `*` (every case), as before scopes existed.
 */
const staffTokenHashes = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const entries = text
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean);
    const out: StaffTokenConfig[] = [];
    entries.forEach((entry, i) => {
      const normal = entry.replace(
        /:([0-9A-Fa-f]{64})(:[^:]*)?$/,
        (_m, hex: string, scope: string | undefined) =>
          `:${hex.toLowerCase()}${scope === undefined ? "" : scope.toUpperCase()}`,
      );
      const m = STAFF_TOKEN_ENTRY.exec(normal);
      if (!m) {
        ctx.addIssue({
          code: "custom",
          message: `entry ${i + 1} must be name:sha256hex (64 hex digits), optionally :AGENCY_CODE or :*; see docs/officials-desk.md`,
        });
        return;
      }
      const [, name = "", sha256 = "", scope] = m;
      out.push({ name, sha256, ...(scope !== undefined && scope !== "*" ? { scope } : {}) });
    });
    if (new Set(out.map((t) => t.name)).size !== out.length) {
      ctx.addIssue({ code: "custom", message: "staff names must be unique" });
    }
    return out;
  });

const envSchema = z
  .object({
    PORT: z
      .string()
      .trim()
      .regex(/^\d{1,5}$/, { error: PORT_ERROR })
      .transform(Number)
      .pipe(z.number().max(65535, { error: PORT_ERROR }))
      .default(8080),
    HOST: z.string().trim().min(1, { error: "must not be empty" }).default("127.0.0.1"),
    MOTCUA_DATA_DIR: z.string().trim().min(1, { error: "must not be empty" }).default("./var"),
    LOG_LEVEL: z
      .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` })
      .default("info"),
    CATALOGUE_FILE: optionalText,
    EMBEDDINGS_BASE_URL: z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
      .optional(),
    EMBEDDINGS_API_KEY: optionalText,
    EMBEDDINGS_MODEL: optionalText,
    // Not trimmed: a prefix such as "query: " ends with a space.
    EMBEDDINGS_QUERY_PREFIX: z.string().max(100, { error: "at most 100 characters" }).optional(),
    EMBEDDINGS_PASSAGE_PREFIX: z.string().max(100, { error: "at most 100 characters" }).optional(),
    LOCAL_EMBEDDINGS: z.enum(["auto", "off"], { error: "must be auto or off" }).default("auto"),
    STAFF_TOKEN_HASHES: staffTokenHashes.optional(),
    LLM_BASE_URL: httpUrl.optional(),
    LLM_API_KEY: optionalText,
    LLM_MODEL: optionalText,
    LLM_TIMEOUT_MS: z
      .string()
      .trim()
      .regex(/^\d{1,6}$/, { error: LLM_TIMEOUT_ERROR })
      .transform(Number)
      .pipe(
        z
          .number()
          .min(100, { error: LLM_TIMEOUT_ERROR })
          .max(120_000, { error: LLM_TIMEOUT_ERROR }),
      )
      .optional(),
    TELEGRAM_BOT_TOKEN: secretText(
      /^\d{5,16}:[A-Za-z0-9_-]{30,64}$/,
      "must be the bot token from @BotFather (digits:letters)",
    ),
    TELEGRAM_API_ROOT: httpUrl.optional(),
    TELEGRAM_WEBHOOK_URL: z
      .url({ protocol: /^https$/, error: "must be an https URL (Telegram requires https)" })
      .optional(),
    TELEGRAM_WEBHOOK_SECRET: secretText(
      /^[A-Za-z0-9_-]{16,256}$/,
      "must be 16–256 characters of A–Z, a–z, 0–9, _ and -",
    ),
    ZALO_APP_ID: secretText(/^\d{1,32}$/, "must be the numeric app id"),
    ZALO_OA_SECRET_KEY: optionalText,
    ZALO_APP_SECRET: optionalText,
    ZALO_ACCESS_TOKEN: optionalText,
    ZALO_REFRESH_TOKEN: optionalText,
    ZALO_API_BASE: httpUrl.optional(),
    ZALO_OAUTH_BASE: httpUrl.optional(),
    DATABASE_URL: z
      .string()
      .trim()
      // The message never repeats the value: it carries the password.
      .refine((v) => /^postgres(ql)?:\/\/[^/\s]+\/[^/\s?#]+(\?\S*)?$/.test(v) && URL.canParse(v), {
        error: "must be postgres://user:password@host:port/database",
      })
      .optional(),
    DATABASE_POOL_SIZE: z
      .string()
      .trim()
      .regex(/^\d{1,3}$/, { error: POOL_ERROR })
      .transform(Number)
      .pipe(z.number().min(2, { error: POOL_ERROR }).max(100, { error: POOL_ERROR }))
      .default(DEFAULT_POOL_SIZE),
    TRUST_PROXY: z
      .string()
      .trim()
      .transform((v) => (v === "" ? [] : v.split(",").map((x) => x.trim())))
      .pipe(
        z.array(z.union([z.ipv4(), z.ipv6()], { error: "must be IP addresses, comma-separated" })),
      )
      .default([]),
    PUBLIC_BASE_URL: z
      .url({
        protocol: /^https?$/,
        error: "must be an http(s) URL, e.g. https://motcua.example.gov.vn",
      })
      .refine((v) => !/[?#]/.test(v), { error: "must not have a query or fragment" })
      .optional(),
    HOTLINE_STAFF_CHAT_ID: z
      .string()
      .trim()
      .regex(/^-?\d{1,16}$/, {
        error: "must be the numeric id of the staff group, e.g. -1001234567890",
      })
      .transform(Number)
      .optional(),
    HOTLINE_HOURS: z
      .string()
      .trim()
      .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]|24):[0-5]\d$/, {
        error: "must look like 07:30-17:00",
      })
      .refine((v) => v.slice(6) > v.slice(0, 5), { error: "must end after it starts" })
      .optional(),
    RETENTION_DAYS: z
      .string()
      .trim()
      .regex(/^\d{1,5}$/, { error: RETENTION_ERROR })
      .transform(Number)
      .pipe(
        z
          .number()
          .min(MIN_RETENTION_DAYS, { error: RETENTION_ERROR })
          .max(MAX_RETENTION_DAYS, { error: RETENTION_ERROR }),
      )
      .default(365),
  })
  .superRefine((env, ctx) => {
    const set = EMBEDDING_KEYS.filter((key) => env[key] !== undefined);
    if (set.length > 0 && set.length < EMBEDDING_KEYS.length) {
      for (const key of EMBEDDING_KEYS.filter((k) => env[k] === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `required when ${set.join(", ")} ${set.length > 1 ? "are" : "is"} set (the embeddings settings go together)`,
        });
      }
    }
    requireTogether(env, LLM_KEYS, LLM_KEYS, "the LLM settings go together", ctx);
    requireTogether(env, TELEGRAM_KEYS, ["TELEGRAM_BOT_TOKEN"], "the Telegram bot", ctx);
    requireTogether(
      env,
      TELEGRAM_WEBHOOK_KEYS,
      TELEGRAM_WEBHOOK_KEYS,
      "the webhook URL and its secret go together",
      ctx,
    );
    requireTogether(env, ZALO_KEYS, ZALO_REQUIRED_KEYS, "the Zalo OA settings go together", ctx);
  });

const SCHEMA_KEYS = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];

/**
 * Parses the text of a `.env` file: `KEY=VALUE` lines, optional `export `, `#` comments (whole
 * lines, or after an unquoted value following white space), single quotes (literal) and double
 * quotes (`\n`, `\t`, `\"`, `\\` escapes). A malformed line is a ConfigError naming its number.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const bad: string[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      bad.push(`line ${index + 1}`);
      return;
    }
    const key = m[1] as string;
    const rest = m[2] as string;
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      const end = findClosingQuote(rest, quote);
      const after = end < 0 ? "" : rest.slice(end + 1).trim();
      if (end < 0 || (after !== "" && !after.startsWith("#"))) {
        bad.push(`line ${index + 1}`);
        return;
      }
      const body = rest.slice(1, end);
      out[key] = quote === "'" ? body : unescapeDoubleQuoted(body);
      return;
    }
    out[key] = rest.replace(/\s+#.*$/, "").trim();
  });
  if (bad.length > 0) {
    throw new ConfigError(`Invalid .env file: expected KEY=VALUE at ${bad.join(", ")}`, bad);
  }
  return out;
}

function findClosingQuote(text: string, quote: string): number {
  for (let i = 1; i < text.length; i++) {
    if (quote === '"' && text[i] === "\\") {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}

function unescapeDoubleQuoted(body: string): string {
  const map: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };
  return body.replace(/\\(.)/g, (all, c: string) => map[c] ?? all);
}

export interface LoadConfigOptions {
  /** `.env` file to read; null to read none. Default `.env` in the working directory. */
  envFile?: string | null;
  /** Base for relative paths (data dir, catalogue file). Default the working directory. */
  cwd?: string;
}

/**
 * Reads and validates the configuration. Values from `env` win over the `.env` file.
 * Throws ConfigError listing the bad keys (never their values).
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: LoadConfigOptions = {},
): Config {
  const cwd = options.cwd ?? process.cwd();
  const envFile = options.envFile === undefined ? ".env" : options.envFile;
  let fromFile: Record<string, string> = {};
  if (envFile !== null) {
    const file = path.resolve(cwd, envFile);
    if (existsSync(file)) fromFile = parseDotEnv(readFileSync(file, "utf8"));
  }

  const merged: Record<string, string | undefined> = {};
  for (const key of SCHEMA_KEYS) {
    const value = env[key] ?? fromFile[key];
    // Empty means unset, so that `KEY=` in .env or `KEY= npm start` falls back to the default.
    merged[key] = value === undefined || value.trim() === "" ? undefined : value;
  }

  const parsed = envSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "(environment)");
      if (!problems.has(key)) problems.set(key, issue.message);
    }
    const keys = [...problems.keys()];
    const lines = [...problems].map(([key, message]) => `  ${key}: ${message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`, keys);
  }

  const e = parsed.data;
  const dataDir = path.resolve(cwd, e.MOTCUA_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseFile: path.join(dataDir, "motcua.sqlite"),
    ...(e.DATABASE_URL
      ? { postgres: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE } }
      : {}),
    logLevel: e.LOG_LEVEL,
    catalogueFile: e.CATALOGUE_FILE === undefined ? undefined : path.resolve(cwd, e.CATALOGUE_FILE),
    embeddings:
      e.EMBEDDINGS_BASE_URL && e.EMBEDDINGS_API_KEY && e.EMBEDDINGS_MODEL
        ? {
            baseUrl: e.EMBEDDINGS_BASE_URL,
            apiKey: e.EMBEDDINGS_API_KEY,
            model: e.EMBEDDINGS_MODEL,
            ...(e.EMBEDDINGS_QUERY_PREFIX ? { queryPrefix: e.EMBEDDINGS_QUERY_PREFIX } : {}),
            ...(e.EMBEDDINGS_PASSAGE_PREFIX ? { passagePrefix: e.EMBEDDINGS_PASSAGE_PREFIX } : {}),
          }
        : null,
    localEmbeddings: e.LOCAL_EMBEDDINGS === "auto",
    ...(e.STAFF_TOKEN_HASHES && e.STAFF_TOKEN_HASHES.length > 0
      ? { staffTokens: e.STAFF_TOKEN_HASHES }
      : {}),
    ...(e.LLM_BASE_URL && e.LLM_API_KEY && e.LLM_MODEL
      ? {
          llm: {
            baseUrl: e.LLM_BASE_URL,
            apiKey: e.LLM_API_KEY,
            model: e.LLM_MODEL,
            timeoutMs: e.LLM_TIMEOUT_MS ?? DEFAULT_LLM_TIMEOUT_MS,
          },
        }
      : {}),
    ...(e.TELEGRAM_BOT_TOKEN
      ? {
          telegram: {
            token: e.TELEGRAM_BOT_TOKEN,
            ...(e.TELEGRAM_API_ROOT ? { apiRoot: e.TELEGRAM_API_ROOT } : {}),
            ...(e.TELEGRAM_WEBHOOK_URL && e.TELEGRAM_WEBHOOK_SECRET
              ? { webhook: { url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET } }
              : {}),
          },
        }
      : {}),
    ...(e.ZALO_APP_ID && e.ZALO_OA_SECRET_KEY && e.ZALO_APP_SECRET && e.ZALO_REFRESH_TOKEN
      ? {
          zalo: {
            appId: e.ZALO_APP_ID,
            oaSecretKey: e.ZALO_OA_SECRET_KEY,
            appSecret: e.ZALO_APP_SECRET,
            ...(e.ZALO_ACCESS_TOKEN ? { accessToken: e.ZALO_ACCESS_TOKEN } : {}),
            refreshToken: e.ZALO_REFRESH_TOKEN,
            apiBase: e.ZALO_API_BASE ?? DEFAULT_ZALO_API_BASE,
            oauthBase: e.ZALO_OAUTH_BASE ?? DEFAULT_ZALO_OAUTH_BASE,
          },
        }
      : {}),
    ...(e.HOTLINE_STAFF_CHAT_ID !== undefined
      ? { hotlineStaffChatId: e.HOTLINE_STAFF_CHAT_ID }
      : {}),
    ...(e.HOTLINE_HOURS ? { hotlineHours: e.HOTLINE_HOURS } : {}),
    ...(e.PUBLIC_BASE_URL ? { publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, "") } : {}),
    trustedProxies: e.TRUST_PROXY,
    retentionDays: e.RETENTION_DAYS,
  };
}
