/**
 * A database with a bit of everything the retention purge looks at, written through the real
 * stores on SqlDatabase (SQLite or PostgreSQL) with a test clock: PAKN cases old and new (closed,
 * rejected, answered, open), their notifications delivered to the web chat inbox, officials'
 * reminders about them, conversations, answers, ratings, logged questions, hand-over tickets and
 * refused messages.
 */
import { createUndeliveredLog } from "../../src/channels/undelivered.ts";
import { createSqlQuestionLog, type SqlDatabase } from "../../src/db/index.ts";
import {
  createConversationStore,
  createInbox,
  createSenderRegistry,
} from "../../src/dialogue/index.ts";
import {
  createDeadlineCalculator,
  createFeedbackStore,
  createSqlOutboxDispatcher,
  type FeedbackStore,
} from "../../src/feedback/index.ts";
import { createHandoffStore } from "../../src/handoff/index.ts";
import { createReminderStore, loadAgencies } from "../../src/reminders/index.ts";
import {
  calendar,
  clock as testClock,
  PROCEDURES,
  RULES,
  type Clock,
} from "../feedback/helpers.ts";

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
  sql: SqlDatabase;
  clock: Clock;
  store: FeedbackStore;
  refs: {
    oldClosed: string;
    oldRejected: string;
    oldOpen: string;
    oldAnswered: string;
    recentClosed: string;
  };
}

export async function buildFixture(sql: SqlDatabase): Promise<Fixture> {
  const clock = testClock(OLD);
  const store = createFeedbackStore({
    sql,
    now: clock.now,
    deadlines: createDeadlineCalculator(RULES, calendar),
    procedures: PROCEDURES,
    calendar,
  });
  const inbox = createInbox(sql, clock.now);
  const senders = createSenderRegistry();
  const web = inbox.sender("web");
  const dispatcher = createSqlOutboxDispatcher({
    sql,
    now: clock.now,
    senders: {
      web: (m) => web(m.userId, senders.toOutgoing(m), { idempotencyKey: m.idempotencyKey }),
    },
  });
  const drain = async () => {
    while ((await dispatcher.pending()) > 0) await dispatcher.drainOnce();
  };
  const conversations = createConversationStore(sql);
  const handoff = createHandoffStore(sql);
  const questions = createSqlQuestionLog(sql);
  const undelivered = createUndeliveredLog(sql, clock.now);
  const reminders = createReminderStore(sql, loadAgencies());

  const file1 = async (userId: string, text = KEPT_TEXT, contact: string | null = KEPT_CONTACT) =>
    (
      await store.fileCase({
        channel: "web",
        userId,
        text,
        contact,
        procedureCode: "1.001193",
      })
    ).ref;
  const answer = async (ref: string) => {
    await store.changeStatus(ref, { to: "accepted", actor: "staff:lan" });
    await store.changeStatus(ref, {
      to: "answered",
      actor: "staff:lan",
      note: "Đã hướng dẫn bổ sung.",
    });
  };
  /** The officials' overdue reminder of a case, as the planner titles it, and a press on it. */
  const remind = async (ref: string) => {
    const c = (await store.byRef(ref))!;
    const [delivery] = await reminders.claim(
      [
        {
          kind: "pakn_overdue",
          agency: "STP",
          chat: "-1001234567890",
          due: "2024-01-05",
          title: `${ref}: ${c.text_masked.slice(0, 80)}`,
          item: ref,
          period: "2024-01-05#1",
          reference: "test",
          daysLeft: -1,
        },
      ],
      clock.now(),
    );
    await reminders.audit({
      delivery_id: Number(delivery!.id),
      chat_id: "-1001234567890",
      user_id: "777",
      user_name: "Lê Văn Cán Bộ",
      action: "progress",
      outcome: "ok",
      at: clock.now().toISOString(),
    });
  };

  // January 2024.
  const oldClosed = await file1("wOld", OLD_TEXT, OLD_CONTACT);
  await remind(oldClosed);
  await answer(oldClosed);
  await store.changeStatus(oldClosed, { to: "closed", actor: "citizen" });
  const oldRejected = await file1("wOld2", OLD_TEXT, OLD_CONTACT);
  await store.changeStatus(oldRejected, {
    to: "rejected",
    actor: "staff:lan",
    reason: "Không thuộc phạm vi quy định hành chính.",
  });
  const oldOpen = await file1("wOpen");
  await remind(oldOpen);
  const oldAnswered = await file1("wAnswered");
  await answer(oldAnswered);
  // A reminder of a periodic report: not about a case.
  await reminders.claim(
    [
      {
        kind: "report",
        agency: "STP",
        chat: "-1001234567890",
        due: "2024-03-25",
        title: "Báo cáo quý I/2024",
        item: "quarterly",
        period: "2024Q1",
        reference: "test",
        daysLeft: 50,
      },
    ],
    clock.now(),
  );
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
  await store.ratings.rateAnswer({
    channel: "web",
    userId: "wOld",
    answerId: "1",
    rating: "down",
    comment: "Gọi lại cho tôi 0912345678",
    question: "khai sinh cho con ông An",
    procedureCode: "1.001193",
  });
  await questions.record({
    askedAt: clock.now(),
    channel: "web",
    question: "nhà ông An ở thôn Đông",
  });
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
  await conversations.save("telegram", "1002", { handedOff: true }, clock.now());
  await undelivered.record({
    channel: "zalo",
    userId: "2001",
    reason: "outside_window",
    errorCode: -230,
    text: "Phản ánh của ông An đã được trả lời",
  });
  await drain();

  // February 2025.
  clock.set(RECENT);
  const recentClosed = await file1("wRecent");
  await answer(recentClosed);
  await store.changeStatus(recentClosed, { to: "closed", actor: "citizen" });
  await conversations.save("web", "wRecent", {}, clock.now());
  await store.ratings.rateAnswer({
    channel: "web",
    userId: "wRecent",
    answerId: "2",
    rating: "down",
    comment: "Chưa đúng",
  });
  await drain();

  clock.set(PURGE_AT);
  return {
    sql,
    clock,
    store,
    refs: { oldClosed, oldRejected, oldOpen, oldAnswered, recentClosed },
  };
}

/** Every row of every table, for "nothing else changed". */
export async function dump(sql: SqlDatabase): Promise<Record<string, unknown[]>> {
  const tables = await sql.all<{ name: string }>(
    sql.dialect === "postgres"
      ? `SELECT table_name AS name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`
      : `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         ORDER BY name`,
  );
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    out[name] = await sql.all(`SELECT * FROM "${name}" ORDER BY 1`);
  }
  return out;
}

export async function caseRow(sql: SqlDatabase, ref: string): Promise<Record<string, unknown>> {
  return (await sql.get<Record<string, unknown>>(`SELECT * FROM feedback_cases WHERE ref = ?`, [
    ref,
  ]))!;
}

export const rows = (sql: SqlDatabase, query: string, params: (string | number)[] = []) =>
  sql.all<Record<string, unknown>>(query, params);
