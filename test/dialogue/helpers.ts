import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createAssistant } from "../../src/assistant/index.ts";
import {
  createSqliteSql,
  openDatabase,
  type Database,
  type SqlDatabase,
  type WriteGateOptions,
} from "../../src/db/index.ts";
import {
  createFeedbackStore,
  createProcedureDirectory,
  type FeedbackStore,
} from "../../src/feedback/index.ts";
import {
  createDialogueCore,
  type DialogueCoreHandle,
  type DialogueCoreOptions,
  type IncomingMessage,
  type OutgoingMessage,
} from "../../src/dialogue/index.ts";
import { catalogue, fakeRetriever } from "../assistant/fixtures.ts";
import { calendar, clock, deadlines, type Clock } from "../feedback/helpers.ts";

export { clock, type Clock };

export function tempDbFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), "motcua-dlg-")), "motcua.sqlite");
}

const hit = (code: string, score: number) => ({ code, score });

/** The fixture catalogue behind a fake retriever: "kết hôn" is ambiguous (3 levels). */
export function makeAssistant() {
  const retriever = fakeRetriever([
    {
      when: /kết hôn|ket hon/i,
      hits: [hit("1.000090", 0.9), hit("1.000091", 0.88), hit("1.000092", 0.85)],
      confidence: "ambiguous",
    },
    { when: /khai sinh/i, hits: [hit("1.001193", 0.9)], confidence: "sure" },
    { when: /hộ chiếu|ho chieu/i, hits: [hit("2.002001", 0.9)], confidence: "sure" },
  ]);
  return createAssistant({ catalogue, retriever });
}

export interface Harness {
  file: string;
  /** The legacy synchronous connection (for looking at rows). */
  db: Database;
  /** The core's database (its own connection to `file`). */
  sql: SqlDatabase;
  /** The PAKN store on `sql`, as the core uses it (and staff changes in tests). */
  feedback: FeedbackStore;
  core: DialogueCoreHandle;
  clock: Clock;
  /** Sends as `user` (default "u1") on `channel` (default telegram). */
  say(
    text: string,
    user?: string,
    channel?: IncomingMessage["channel"],
  ): Promise<OutgoingMessage[]>;
  press(
    action: string,
    user?: string,
    channel?: IncomingMessage["channel"],
  ): Promise<OutgoingMessage[]>;
  close(): Promise<void>;
}

let ids = 0;

export function makeHarness(
  options: {
    file?: string;
    clock?: Clock;
    core?: Partial<DialogueCoreOptions>;
    /** The SqlDatabase's busy retries (tests of a held lock pass their time). */
    gate?: WriteGateOptions;
  } = {},
): Harness {
  const file = options.file ?? tempDbFile();
  const db = openDatabase(file);
  const sql = createSqliteSql({ file, ...(options.gate ? { gate: options.gate } : {}) });
  const c = options.clock ?? clock("2026-03-02T02:00:00Z"); // Monday 09:00 in Hà Nội
  const feedback = createFeedbackStore({
    sql,
    now: c.now,
    deadlines,
    calendar,
    procedures: createProcedureDirectory(catalogue),
  });
  const core = createDialogueCore({
    assistant: makeAssistant(),
    feedback,
    sql,
    now: c.now,
    newId: () => `d${++ids}`,
    ...options.core,
  });
  return {
    file,
    db,
    sql,
    feedback,
    core,
    clock: c,
    say: (text, user = "u1", channel = "telegram") => core.handle({ channel, userId: user, text }),
    press: (action, user = "u1", channel = "telegram") =>
      core.handle({ channel, userId: user, action }),
    async close() {
      db.close();
      await sql.close();
    },
  };
}

/** All button actions of the messages, flattened. */
export const actions = (messages: OutgoingMessage[]): string[] =>
  messages.flatMap((m) => (m.buttons ?? []).flat().map((b) => b.action));

export const texts = (messages: OutgoingMessage[]): string =>
  messages.map((m) => m.text).join("\n---\n");

/** The first action starting with `prefix`. */
export function action(messages: OutgoingMessage[], prefix: string): string {
  const found = actions(messages).find((a) => a.startsWith(prefix));
  if (!found) throw new Error(`no ${prefix}… button in ${JSON.stringify(messages)}`);
  return found;
}
