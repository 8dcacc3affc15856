/**
 * The officials' desk as served: a PAKN queue with an injected clock over a temp SQLite file, the
 * staff console (hand-over + desk) and the bearer API, three staff tokens (hotline `*`, Sở Tư pháp,
 * UBND cấp xã), and Q1 2026 cases seeded by moving the clock (no sleeps).
 */
import { createHash } from "node:crypto";
import { loadCalendar } from "../../src/calendar/index.ts";
import { createSqliteSql, openDatabase, type Database } from "../../src/db/index.ts";
import {
  createFeedbackQueue,
  createProcedureDirectory,
  createStaffAuth,
  type FeedbackQueue,
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
  db: Database;
  queue: FeedbackQueue;
  handoff: Handoff;
  staff: StaffAuth;
  clock: Clock;
  routes: RouteGroup[];
  seeded: Seeded;
  close(): void;
}

export function makeDeskHarness(): DeskHarness {
  const file = tempDbFile();
  const db = openDatabase(file);
  const sql = createSqliteSql({ file });
  const c = clock("2026-01-05T03:00:00Z");
  const calendar = loadCalendar();
  const queue = createFeedbackQueue({
    db,
    now: c.now,
    calendar,
    rules: RULES,
    procedures: createProcedureDirectory([
      {
        code: "1.001193",
        name: "Thủ tục đăng ký khai sinh",
        agencies: ["UBND cấp xã"],
        url: "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193",
      },
    ]),
    agencies: AGENCIES,
  });
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
  const seeded = seed(queue, db, c);
  const logger = memoryLogger().logger;
  const routes = [
    createFeedbackRoutes({ queue, staff, logger }),
    createStaffRoutes({ handoff, staff, logger, queue, now: c.now, insecureCookie: true }),
  ];
  const close = () => {
    db.close();
    void sql.close();
  };
  return { db, queue, handoff, staff, clock: c, routes, seeded, close };
}

function seed(queue: FeedbackQueue, db: Database, c: Clock): Seeded {
  const file = (agency: string | null, text = TEXT, procedureCode?: string) =>
    queue.fileCase({
      channel: "web",
      userId: "citizen-1",
      text,
      contact: "0912 345 678",
      ...(agency ? { agency } : {}),
      ...(procedureCode ? { procedureCode } : {}),
    });
  const staff = "staff:lan";
  c.set("2026-01-05T03:00:00Z");
  const stpOnTime = file("Sở Tư pháp").ref;
  const stpLate = file("Sở Tư pháp").ref;
  const xaOverdue = file(null, "Cán bộ xã hẹn trả giấy khai sinh nhiều lần.", "1.001193").ref;
  const xaRejected = file("UBND cấp xã").ref;
  const unassigned = file(null, "Đề nghị niêm yết công khai lệ phí chứng thực.").ref;
  c.set("2026-01-09T03:00:00Z");
  queue.changeStatus(stpOnTime, { to: "accepted", actor: staff });
  queue.changeStatus(stpOnTime, { to: "answered", actor: staff, note: "Đã trả lời." });
  queue.changeStatus(xaRejected, {
    to: "rejected",
    actor: staff,
    reason: "Không thuộc thẩm quyền",
  });
  c.set("2026-02-10T03:00:00Z");
  queue.changeStatus(stpLate, { to: "accepted", actor: staff });
  queue.changeStatus(stpLate, { to: "answered", actor: staff, note: "Đã trả lời." });
  queue.runProgressSweep();
  c.set("2026-02-27T03:00:00Z");
  const soon = file("Sở Tư pháp", "Chậm cấp bản sao trích lục khai sinh cho con tôi.");
  c.set("2026-03-10T03:00:00Z");
  const xaLater = file("UBND cấp xã", "Đề nghị bố trí thêm giờ tiếp dân vào thứ Bảy.").ref;
  queue.rateAnswer({ channel: "web", userId: "u1", answerId: "a1", rating: "up" });
  queue.rateAnswer({ channel: "web", userId: "u2", answerId: "a1", rating: "down" });
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
