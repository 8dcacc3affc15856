/**
 * A database with a bit of everything the retention purge looks at, written through the real
 * stores with a test clock: PAKN cases old and new (closed, rejected, answered, open), their
 * notifications delivered to the web chat inbox, conversations, answers, ratings, logged
 * questions, hand-over tickets and refused messages.
 */
import { createUndeliveredLog } from "../../src/channels/undelivered.ts";
import {
  createQuestionLog,
  createSqliteSql,
  openDatabase,
  type Database,
} from "../../src/db/index.ts";
import {
  createConversationStore,
  createInbox,
  createSenderRegistry,
} from "../../src/dialogue/index.ts";
import { createHandoffStore } from "../../src/handoff/index.ts";
import { makeStore, type Clock } from "../feedback/helpers.ts";

/** Personal data the citizen wrote: none of it may be left once a case is past retention. */
export const OLD_TEXT =
  "Tôi là Nguyễn Văn An, CCCD 001203004567, điện thoại 0912 345 678: cán bộ xã đòi thêm giấy tờ.";
export const OLD_CONTACT = "an.nguyen@example.vn, 0912345678";
/** What the citizens of the cases that must stay wrote. */
export const KEPT_TEXT =
  "Tôi là Trần Thị Bình, điện thoại 0987 654 321: xã chưa trả kết quả đúng hẹn.";
export const KEPT_CONTACT = "binh.tran@example.vn";

/** Times: everything "old" is from January 2024, "recent" from February 2025; purge on 1/3/2025. */
export const OLD = "2024-01-08T02:00:00Z";
export const RECENT = "2025-02-20T02:00:00Z";
export const PURGE_AT = "2025-03-01T02:00:00Z";

export interface Fixture {
  db: Database;
  file: string;
  clock: Clock;
  refs: {
    oldClosed: string;
    oldRejected: string;
    oldOpen: string;
    oldAnswered: string;
    recentClosed: string;
  };
  /** Sends what the outbox holds (to the web chat inbox). */
  drain(): Promise<void>;
}

export async function buildFixture(): Promise<Fixture> {
  // The PAKN store on its own connection to the file, as the server has it.
  const { sql: feedbackSql, store: feedback, clock, file } = makeStore({ at: OLD });
  const db = openDatabase(file);
  // The dialogue's stores on their own connection to the file, as the server has them.
  const dialogueSql = createSqliteSql({ file });
  const inbox = createInbox(dialogueSql, clock.now);
  const senders = createSenderRegistry();
  senders.registerSender("web", inbox.sender("web"));
  const dispatcher = senders.dispatcher({ sql: feedbackSql, now: clock.now });
  const drain = async () => {
    while ((await dispatcher.pending()) > 0) await dispatcher.drainOnce();
  };
  const conversations = createConversationStore(dialogueSql);
  const handoffSql = createSqliteSql({ file });
  const handoff = createHandoffStore(handoffSql);
  const questions = createQuestionLog(db);
  const channelsSql = createSqliteSql({ file });
  const undelivered = createUndeliveredLog(channelsSql, clock.now);

  const file1 = async (userId: string, text = KEPT_TEXT, contact: string | null = KEPT_CONTACT) =>
    (await feedback.fileCase({ channel: "web", userId, text, contact, procedureCode: "1.001193" }))
      .ref;
  const answer = async (ref: string) => {
    await feedback.changeStatus(ref, { to: "accepted", actor: "staff:lan" });
    await feedback.changeStatus(ref, {
      to: "answered",
      actor: "staff:lan",
      note: "Đã hướng dẫn bổ sung.",
    });
  };

  // January 2024.
  const oldClosed = await file1("wOld", OLD_TEXT, OLD_CONTACT);
  await answer(oldClosed);
  await feedback.changeStatus(oldClosed, { to: "closed", actor: "citizen" });
  const oldRejected = await file1("wOld2", OLD_TEXT, OLD_CONTACT);
  await feedback.changeStatus(oldRejected, {
    to: "rejected",
    actor: "staff:lan",
    reason: "Không thuộc phạm vi quy định hành chính.",
  });
  const oldOpen = await file1("wOpen");
  const oldAnswered = await file1("wAnswered");
  await answer(oldAnswered);
  await conversations.save(
    "web",
    "wOld",
    { last: { code: "1.001193", name: "Khai sinh", at: OLD } },
    clock.now(),
  );
  await conversations.recordAnswer(
    "web",
    "wOld",
    { procedureCode: "1.001193", aspect: "documents", question: "khai sinh cho con ông An" },
    clock.now(),
  );
  await feedback.ratings.rateAnswer({
    channel: "web",
    userId: "wOld",
    answerId: "1",
    rating: "down",
    comment: "Gọi lại cho tôi 0912345678",
    question: "khai sinh cho con ông An",
    procedureCode: "1.001193",
  });
  questions.record({ askedAt: clock.now(), channel: "web", question: "nhà ông An ở thôn Đông" });
  // A hand-over closed in January, and one still open since then (never touched).
  const closedTicket = (
    await handoff.open({
      channel: "telegram",
      userId: "1001",
      reason: "asked",
      summary: "Ông An hỏi về khai sinh",
      now: clock.now(),
    })
  ).ticket;
  await handoff.addMessage(closedTicket.id, "citizen", null, "Tôi là An, 0912345678", clock.now());
  await handoff.addMessage(closedTicket.id, "staff", "tg:9", "Chào anh An", clock.now());
  await handoff.close(closedTicket.id, "tg:9", clock.now());
  const openTicket = (
    await handoff.open({
      channel: "telegram",
      userId: "1002",
      reason: "asked",
      summary: "Bà Bình hỏi về đất đai",
      now: clock.now(),
    })
  ).ticket;
  await handoff.addMessage(openTicket.id, "citizen", null, "Tôi là Bình", clock.now());
  await handoffSql.close();
  await conversations.save("telegram", "1002", { handedOff: true }, clock.now());
  await undelivered.record({
    channel: "zalo",
    userId: "2001",
    reason: "outside_window",
    errorCode: -230,
    text: "Phản ánh của ông An đã được trả lời",
  });
  await channelsSql.close();
  await drain();

  // February 2025.
  clock.set(RECENT);
  const recentClosed = await file1("wRecent");
  await answer(recentClosed);
  await feedback.changeStatus(recentClosed, { to: "closed", actor: "citizen" });
  await conversations.save("web", "wRecent", {}, clock.now());
  await feedback.ratings.rateAnswer({
    channel: "web",
    userId: "wRecent",
    answerId: "2",
    rating: "down",
    comment: "Chưa đúng",
  });
  await drain();
  await dialogueSql.close();
  await feedbackSql.close();

  clock.set(PURGE_AT);
  return {
    db,
    file,
    clock,
    refs: { oldClosed, oldRejected, oldOpen, oldAnswered, recentClosed },
    drain,
  };
}

/** Every row of every table, for "nothing else changed". */
export function dump(db: Database): Record<string, unknown[]> {
  const tables = db
    .prepare<[], { name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
    )
    .all();
  return Object.fromEntries(
    tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY 1`).all()]),
  );
}

export function caseRow(db: Database, ref: string): Record<string, unknown> {
  return db.prepare(`SELECT * FROM feedback_cases WHERE ref = ?`).get(ref) as Record<
    string,
    unknown
  >;
}
