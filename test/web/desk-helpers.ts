/**
 * The officials' desk as served: the PAKN store with an injected clock over a temp SQLite file, the
 * staff console (hand-over + desk) and the bearer API, three staff tokens (hotline `*`, Sở Tư pháp,
 * UBND cấp xã), and Q1 2026 cases seeded by moving the clock (no sleeps).
 */
import { createHash } from "node:crypto";
import { loadCalendar } from "../../src/calendar/index.ts";
import { createSqliteSql, openDatabase, type Database } from "../../src/db/index.ts";
import {
  createDeadlineCalculator,
  createDesk,
  createFeedbackStore,
  createProcedureDirectory,
  createScopeResolver,
  createStaffAuth,
  type FeedbackStore,
  type StaffAuth,
} from "../../src/feedback/index.ts";
import { createHandoff, parseHotlineHours, type Handoff } from "../../src/handoff/index.ts";
import { createFeedbackRoutes } from "../../src/web/feedback-routes.ts";
import type { RouteGroup } from "../../src/web/routes.ts";
import { createStaffRoutes } from "../../src/web/staff-routes.ts";
import { RULES, TEXT, clock, tempDbFile, type Clock } from "../feedback/helpers.ts";
import { memoryLogger } from "./helpers.ts";

export const TOKENS = {
  lan: "lan-hotline-token-0123456789abcdef",
  binh: "binh-stp-token-0123456789abcdef",
  cuong: "cuong-xa-token-0123456789abcdef",
} as const;

export const AGENCIES = [
  { code: "STP", name: "Sở Tư pháp" },
  { code: "X-UBND", name: "UBND cấp xã" },
  { code: "SXD", name: "Sở Xây dựng" },
];

const sha = (t: string) => createHash("sha256").update(t).digest("hex");

/** Monday 16 March 2026, 09:00 in Hà Nội. */
export const NOW = "2026-03-16T02:00:00Z";

export interface Seeded {
  /** Sở Tư pháp: answered on time (9/1), answered late (10/2), open and due Thursday 19/3. */
  stpOnTime: string;
  stpLate: string;
  stpSoon: string;
  /** Its citizen token (to read the citizen's view). */
  stpSoonToken: string;
  /** UBND cấp xã: open and overdue since 26/1; rejected; open, due 30/3. */
  xaOverdue: string;
  xaRejected: string;
  xaLater: string;
  /** No agency yet, overdue. */
  unassigned: string;
}

export interface DeskHarness {
  /** A synchronous connection to the file (for looking at rows). */
  db: Database;
  /** The PAKN store the routes use. */
  feedback: FeedbackStore;
  handoff: Handoff;
  staff: StaffAuth;
  clock: Clock;
  routes: RouteGroup[];
  seeded: Seeded;
  close(): Promise<void>;
}

export async function makeDeskHarness(): Promise<DeskHarness> {
  const file = tempDbFile();
  const db = openDatabase(file);
  const sql = createSqliteSql({ file });
  const c = clock("2026-01-05T03:00:00Z");
  const calendar = loadCalendar();
  const procedures = createProcedureDirectory([
    {
      code: "1.001193",
      name: "Thủ tục đăng ký khai sinh",
      agencies: ["UBND cấp xã"],
      url: "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193",
    },
  ]);
  const feedback = createFeedbackStore({
    sql,
    now: c.now,
    deadlines: createDeadlineCalculator(RULES, calendar),
    calendar,
    procedures,
  });
  const scopes = createScopeResolver({ directory: AGENCIES, agencies: feedback.agencies });
  const desk = createDesk({ store: feedback, now: c.now, calendar, scopes, procedures });
  const handoff = createHandoff({
    sql,
    now: c.now,
    calendar,
    hours: parseHotlineHours("07:30-17:00"),
    send: async () => undefined,
  });
  const staff = createStaffAuth([
    { name: "lan", sha256: sha(TOKENS.lan) },
    { name: "binh", sha256: sha(TOKENS.binh), scope: "STP" },
    { name: "cuong", sha256: sha(TOKENS.cuong), scope: "X-UBND" },
  ]);
  const seeded = await seed(feedback, db, c);
  const logger = memoryLogger().logger;
  const routes = [
    createFeedbackRoutes({ feedback, scopes, staff, logger }),
    createStaffRoutes({
      handoff,
      staff,
      logger,
      feedback: { store: feedback, desk, scopes },
      now: c.now,
      insecureCookie: true,
    }),
  ];
  const close = async () => {
    db.close();
    await sql.close();
  };
  return { db, feedback, handoff, staff, clock: c, routes, seeded, close };
}

async function seed(store: FeedbackStore, db: Database, c: Clock): Promise<Seeded> {
  const file = (agency: string | null, text = TEXT, procedureCode?: string) =>
    store.fileCase({
      channel: "web",
      userId: "citizen-1",
      text,
      contact: "0912 345 678",
      ...(agency ? { agency } : {}),
      ...(procedureCode ? { procedureCode } : {}),
    });
  const staff = "staff:lan";
  c.set("2026-01-05T03:00:00Z");
  const stpOnTime = (await file("Sở Tư pháp")).ref;
  const stpLate = (await file("Sở Tư pháp")).ref;
  const xaOverdue = (await file(null, "Cán bộ xã hẹn trả giấy khai sinh nhiều lần.", "1.001193"))
    .ref;
  const xaRejected = (await file("UBND cấp xã")).ref;
  const unassigned = (await file(null, "Đề nghị niêm yết công khai lệ phí chứng thực.")).ref;
  c.set("2026-01-09T03:00:00Z");
  await store.changeStatus(stpOnTime, { to: "accepted", actor: staff });
  await store.changeStatus(stpOnTime, { to: "answered", actor: staff, note: "Đã trả lời." });
  await store.changeStatus(xaRejected, {
    to: "rejected",
    actor: staff,
    reason: "Không thuộc thẩm quyền",
  });
  c.set("2026-02-10T03:00:00Z");
  await store.changeStatus(stpLate, { to: "accepted", actor: staff });
  await store.changeStatus(stpLate, { to: "answered", actor: staff, note: "Đã trả lời." });
  await store.runProgressSweep();
  c.set("2026-02-27T03:00:00Z");
  const soon = await file("Sở Tư pháp", "Chậm cấp bản sao trích lục khai sinh cho con tôi.");
  c.set("2026-03-10T03:00:00Z");
  const xaLater = (await file("UBND cấp xã", "Đề nghị bố trí thêm giờ tiếp dân vào thứ Bảy.")).ref;
  await store.ratings.rateAnswer({ channel: "web", userId: "u1", answerId: "a1", rating: "up" });
  await store.ratings.rateAnswer({ channel: "web", userId: "u2", answerId: "a1", rating: "down" });
  // A hand-over ticket answered and closed by lan in the quarter.
  db.prepare(
    `INSERT INTO handoff_tickets (channel, user_id, status, reason, summary, assignee, assignee_name,
       created_at, assigned_at, first_response_at, closed_at, closed_by, rating)
     VALUES ('web', 'u9', 'closed', 'asked', 'Hỏi về khai sinh', 'web:lan', 'lan',
       '2026-03-10T03:00:00.000Z', '2026-03-10T03:02:00.000Z', '2026-03-10T03:04:00.000Z',
       '2026-03-10T03:20:00.000Z', 'web:lan', 5)`,
  ).run();
  c.set(NOW);
  return {
    stpOnTime,
    stpLate,
    stpSoon: soon.ref,
    stpSoonToken: soon.token,
    xaOverdue,
    xaRejected,
    xaLater,
    unassigned,
  };
}
