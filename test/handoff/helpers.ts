/** A dialogue core with the hand-off wired, and a recording citizen sender. */
import type { ChannelName, OutgoingMessage } from "../../src/channels/index.ts";
import { createSqliteSql, SERVER_BUSY_TIMEOUT_MS, type SqlDatabase } from "../../src/db/index.ts";
import type { DialoguePort } from "../../src/dialogue/index.ts";
import { createHandoff, type Handoff } from "../../src/handoff/service.ts";
import { parseHotlineHours } from "../../src/handoff/hours.ts";
import { calendar } from "../feedback/helpers.ts";
import { clock, makeHarness, type Clock, type Harness } from "../dialogue/helpers.ts";

export interface Sent {
  channel: ChannelName;
  userId: string;
  message: OutgoingMessage;
}

export interface HandoffHarness extends Harness {
  handoff: Handoff;
  /** The hand-off's database (the dialogue's legacy connection is `db`, on the same file). */
  sql: SqlDatabase;
  sent: Sent[];
}

/** Monday 2 March 2026, 09:00 in Hà Nội: the hotline is open. */
export const OPEN_TIME = "2026-03-02T02:00:00Z";

export function makeHandoffHarness(
  options: { file?: string; clock?: Clock; failSend?: () => boolean } = {},
): HandoffHarness {
  const c = options.clock ?? clock(OPEN_TIME);
  const sent: Sent[] = [];
  let handoff: Handoff | null = null;
  let core = null as DialoguePort | null; // set when makeHarness builds the core
  const h = makeHarness({
    clock: c,
    ...(options.file ? { file: options.file } : {}),
    core: {
      // The hand-off needs the harness's database: built just below, reached lazily.
      handoff: {
        connect: (port) => {
          core = port;
        },
        trigger: (text) => handoff!.dialogue.trigger(text),
        noteAnswer: (turn, entry, outcome) => handoff!.dialogue.noteAnswer(turn, entry, outcome),
        escalate: (turn, reason, text) => handoff!.dialogue.escalate(turn, reason, text),
        relay: (turn, text, attachment) => handoff!.dialogue.relay(turn, text, attachment),
        release: (turn) => handoff!.dialogue.release(turn),
        onAction: (turn, action) => handoff!.dialogue.onAction(turn, action),
      },
    },
  });
  // The dialogue is still on its own synchronous connection to the same file: like the server's
  // (src/main.ts), it waits at most SERVER_BUSY_TIMEOUT_MS in SQLite, then in its write gate, so
  // that it never blocks the event loop while the hand-off's connection holds the write lock.
  h.db.pragma(`busy_timeout = ${SERVER_BUSY_TIMEOUT_MS}`);
  const sql = createSqliteSql({ file: h.file });
  handoff = createHandoff({
    sql,
    now: c.now,
    calendar,
    hours: parseHotlineHours("07:30-17:00"),
    send: async (channel, userId, message) => {
      if (options.failSend?.()) throw new Error("unreachable");
      sent.push({ channel, userId, message });
    },
  });
  if (core) handoff.dialogue.connect(core);
  const closeDb = h.close;
  return Object.assign(h, {
    handoff,
    sql,
    sent,
    close() {
      closeDb();
      void sql.close();
    },
  });
}
