/**
 * Command line: import, ask, batch, eval. `npm run -s cli -- help` lists them.
 * Reads the catalogue file from CATALOGUE_FILE when set (like the server), else data/.
 */
import { createInterface } from "node:readline";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { AskResult } from "./assistant/index.ts";
import {
  CALENDAR_USAGE,
  CalendarUsageError,
  loadCalendar,
  runCalendarCommand,
} from "./calendar/index.ts";
import { parseImportArgs, runImport } from "./catalogue/index.ts";
import { ConfigError, loadConfig, type LlmConfig } from "./config.ts";
import { DB_USAGE, DbUsageError, runDbCommand, type SqlTarget } from "./db/index.ts";
import { FEEDBACK_USAGE, FeedbackUsageError, runFeedbackCommand } from "./feedback/index.ts";
import { createAssistant } from "./assistant/index.ts";
import {
  evaluate,
  formatReport,
  formatSureTable,
  readEvalFile,
  type EvalReport,
  type Prediction,
} from "./eval/evaluate.ts";
import { formatSweep, runSweep } from "./eval/sweep.ts";
import { createOutcomeTally, formatOutcomeTally, type LlmOutcome } from "./llm/index.ts";
import {
  REMINDERS_USAGE,
  RemindersUsageError,
  ReminderInputError,
  runRemindersCommand,
} from "./reminders/index.ts";
import { HANDOFF_USAGE, runHandoffCommand } from "./handoff/index.ts";
import { DATA_USAGE, DataUsageError, runDataCommand } from "./privacy/index.ts";
import { foldAccents } from "./text/index.ts";
import { findLocalModel } from "./search/index.ts";
import { buildAssistant, type AssistantParts, type AssistantOptions } from "./wiring.ts";
import { MotcuaError } from "./errors.ts";

const USAGE = `motcua — trợ lý thủ tục hành chính

Usage: npm run -s cli -- <command> [options]

  import [--raw DIR] [--out FILE]   parse ../shared/data/raw into data/catalogue.jsonl.gz
  ask "câu hỏi" [--json]            answer one question (--json: the structured result)
  batch                             JSON lines {"id","question"} on stdin → one JSON line each
  eval FILE.jsonl [--misses N]      hit@1, hit@5, MRR@10 and intents, accented and stripped
       [--llm]                      also LLM answers (LLM_* settings): grounding passed, fallbacks
  sweep [--misses N]                every catalogue name × 4 question templates, lexical retrieval
${CALENDAR_USAGE}
${FEEDBACK_USAGE}
${HANDOFF_USAGE}
${REMINDERS_USAGE}
${DB_USAGE}
${DATA_USAGE}
  help                              this text
`;

export class UsageError extends MotcuaError {
  readonly code = "cli_usage_invalid";
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

/** One line of `batch` output: what retrieval found is listed even when the answer is "not found". */
export function batchLine(id: unknown, r: AskResult) {
  return {
    id,
    intent: r.intent,
    codes: r.procedures.slice(0, 10).map((p) => p.code),
    answer: r.answer,
  };
}

const MAX_BATCH_LINE = 100_000;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  /** The configured database: DATABASE_URL's PostgreSQL, else the SQLite file. */
  const database = (): SqlTarget => loadConfig(io.env);
  /**
   * The assistant as the server builds it: hybrid with the EMBEDDINGS_* endpoint or the bundled
   * model (waiting for the catalogue vectors), lexical otherwise. Run `fn`, then stop the model.
   */
  const withAssistant = async <T>(
    fn: (parts: AssistantParts) => Promise<T>,
    extra: Partial<AssistantOptions> = {},
  ): Promise<T> => {
    const config = loadConfig(io.env);
    const parts = await buildAssistant({
      catalogueFile: io.env.CATALOGUE_FILE || undefined,
      embeddings: config.embeddings,
      localModel: !config.embeddings && config.localEmbeddings ? findLocalModel() : null,
      waitForVectors: true,
      dataDir: config.dataDir,
      // The CLI measures answers, not the machine's load: a question's embedding may take its
      // time instead of falling back to lexical after the server's 800 ms.
      queryTimeoutMs: 10_000,
      logger: {
        info: (_o, msg) => io.err(msg),
        warn: (_o, msg) => io.err(`warning: ${msg}`),
      },
      onError: (e) => io.err(`error: ${e instanceof Error ? e.message : String(e)}`),
      ...extra,
    });
    await parts.start();
    try {
      return await fn(parts);
    } finally {
      await parts.stop();
    }
  };
  switch (command) {
    case "import": {
      runImport({ ...parseImportArgs(rest), out: io.out });
      return 0;
    }
    case "ask": {
      const { values, positionals } = parseArgs({
        args: [...rest],
        options: { json: { type: "boolean", default: false } },
        allowPositionals: true,
      });
      const question = positionals.join(" ");
      if (!question.trim()) throw new UsageError('ask needs a question: ask "làm căn cước cần gì"');
      const result = await withAssistant(({ assistant }) => assistant.ask(question));
      io.out(values.json ? JSON.stringify(result, null, 2) : result.answer);
      return 0;
    }
    case "batch":
      return withAssistant(async ({ assistant }) => {
        const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
        let n = 0;
        for await (const line of lines) {
          n++;
          if (!line.trim()) continue;
          let item: { id?: unknown; question?: unknown };
          try {
            if (line.length > MAX_BATCH_LINE) throw new Error(`line longer than ${MAX_BATCH_LINE}`);
            item = JSON.parse(line) as typeof item;
            if (typeof item !== "object" || item === null) throw new Error("not a JSON object");
          } catch (e) {
            io.out(
              JSON.stringify({ id: null, line: n, error: `bad input: ${(e as Error).message}` }),
            );
            continue;
          }
          if (typeof item.question !== "string") {
            io.out(
              JSON.stringify({ id: item.id ?? null, line: n, error: "question must be a string" }),
            );
            continue;
          }
          io.out(JSON.stringify(batchLine(item.id ?? null, await assistant.ask(item.question))));
        }
        return 0;
      });
    case "sweep": {
      const { values } = parseArgs({
        args: [...rest],
        options: { misses: { type: "string", default: "0" } },
      });
      const misses = Number(values.misses) || 0;
      return withAssistant(
        async ({ assistant, catalogue }) => {
          const rows = await runSweep(catalogue, (q) => assistant.ask(q));
          for (const line of formatSweep(rows).split("\n")) io.out(line);
          for (const row of rows) {
            for (const m of row.misses.slice(0, misses)) io.out(`  miss ${JSON.stringify(m)}`);
          }
          return 0;
        },
        { embeddings: null, localModel: null },
      );
    }
    case "eval": {
      const { values, positionals } = parseArgs({
        args: [...rest],
        options: {
          misses: { type: "string", default: "0" },
          llm: { type: "boolean", default: false },
        },
        allowPositionals: true,
      });
      const file = positionals[0];
      if (!file) throw new UsageError("eval needs a file: eval ../shared/eval/faq_dev.jsonl");
      const items = readEvalFile(file);
      const tally = createOutcomeTally();
      let llm: LlmConfig | null = null;
      if (values.llm) {
        try {
          llm = loadConfig(io.env).llm ?? null;
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          io.err(e.message);
          return 2;
        }
        if (!llm) {
          io.err(
            "eval --llm needs LLM_BASE_URL, LLM_API_KEY and LLM_MODEL (environment or .env); see the README section Grounded LLM answers",
          );
          return 2;
        }
      }
      const settings = llm ? { llm, onLlmOutcome: (o: LlmOutcome) => tally.add(o) } : {};
      return withAssistant(async (parts) => {
        // Without the LLM, lexical and hybrid side by side (when the model or an endpoint is there).
        const modes: Array<{ name: string; ask: (q: string) => Promise<AskResult> }> = [
          {
            name: parts.health().embeddings ? "hybrid" : "lexical",
            ask: (q) => parts.assistant.ask(q),
          },
        ];
        if (!llm && parts.health().embeddings) {
          const lexical = createAssistant({
            catalogue: parts.catalogue,
            retriever: parts.lexical,
            respace: parts.respace,
          });
          modes.unshift({ name: "lexical", ask: (q) => lexical.ask(q) });
        }
        const table: Array<{ label: string; report: EvalReport }> = [];
        for (const mode of modes) {
          // Ask everything first (the assistant may be async), then score from the answers.
          const answers = new Map<string, Prediction>();
          for (const item of items) {
            for (const q of [item.question, foldAccents(item.question)]) {
              if (answers.has(q)) continue;
              const r = await mode.ask(q);
              answers.set(q, {
                intent: r.intent,
                codes: r.procedures.map((p) => p.code),
                confidence: r.confidence,
              });
            }
          }
          const predict = (q: string) => answers.get(q)!;
          for (const strip of [false, true]) {
            const written = strip ? "accents stripped" : "as written";
            const report = evaluate(items, predict, { stripAccents: strip });
            table.push({ label: `${mode.name}, ${written}`, report });
            io.out(formatReport(`${file} — ${mode.name}, ${written}`, report));
            for (const m of report.misses.slice(0, Number(values.misses) || 0))
              io.out(`  miss ${JSON.stringify(m)}`);
            io.out("");
          }
        }
        io.out(formatSureTable(table));
        if (llm) io.out(formatOutcomeTally(`${file} — LLM answers (${llm.model})`, tally));
        return 0;
      }, settings);
    }
    case "calendar":
    case "feedback":
      try {
        if (command === "calendar") return runCalendarCommand(rest, () => loadCalendar(), io.out);
        return await runFeedbackCommand(rest, { database, now: () => new Date(), out: io.out });
      } catch (e) {
        if (e instanceof CalendarUsageError || e instanceof FeedbackUsageError) {
          throw new UsageError(e.message);
        }
        throw e;
      }
    case "reminders":
      try {
        return await runRemindersCommand(rest, {
          database,
          telegram: () => loadConfig(io.env).telegram,
          now: () => new Date(),
          out: io.out,
        });
      } catch (e) {
        if (e instanceof RemindersUsageError || e instanceof ReminderInputError) {
          throw new UsageError(e.message);
        }
        throw e;
      }
    case "db":
      try {
        return await runDbCommand(rest, {
          databaseFile: () => loadConfig(io.env).databaseFile,
          out: io.out,
        });
      } catch (e) {
        if (e instanceof DbUsageError) throw new UsageError(e.message);
        throw e;
      }
    case "handoff":
      return runHandoffCommand(rest, {
        database,
        out: io.out,
      });
    case "data":
      try {
        return await runDataCommand(rest, {
          database,
          retentionDays: () => loadConfig(io.env).retentionDays,
          now: () => new Date(),
          out: io.out,
        });
      } catch (e) {
        if (e instanceof DataUsageError) throw new UsageError(e.message);
        throw e;
      }
    case undefined:
    case "help":
    case "--help":
      io.out(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command: ${command}\n\n${USAGE}`);
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  runCli(process.argv.slice(2), {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    stdin: process.stdin,
    env: process.env,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = e instanceof UsageError ? 2 : 1;
    },
  );
}
