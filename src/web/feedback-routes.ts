/**
 * HTTP routes of the PAKN queue, mounted through the server's `extraRoutes` hook:
 *
 *   POST /api/feedback                          file a case → 201 { ref, token, dueAt, … }
 *   GET  /api/feedback/:ref?token=…             the citizen's view (404 for a wrong token too)
 *   GET  /api/staff/feedback?status=&agency=&unassigned=1&overdue=1&limit=&cursor=
 *   GET  /api/staff/feedback/:ref
 *   POST /api/staff/feedback/:ref/status        { status, version, note?, reason?, resultDate? }
 *   POST /api/staff/feedback/:ref/assign        { agency, version, note? }
 *   POST /api/staff/feedback/:ref/progress      { note, version }
 *
 * Staff routes need `Authorization: Bearer <token>` (see README, "Staff authentication"); the check comes before
 * anything else, so an anonymous caller learns nothing, not even whether a case exists.
 */
import { createHash, randomBytes } from "node:crypto";
import type http from "node:http";
import { z } from "zod";
import {
  CaseNotFoundError,
  CaseNotOpenError,
  FeedbackInputError,
  InvalidTransitionError,
  MAX_TEXT_CHARS,
  MIN_TEXT_CHARS,
  UnknownProcedureError,
  VersionConflictError,
  isStatus,
  type FeedbackQueue,
  type StaffAuth,
  type Status,
} from "../feedback/index.ts";
import { maskPersonalData, type Logger } from "../logger.ts";
import { HttpError, readJsonBody, sendJson, type ExtraRoute } from "./server.ts";

export interface FeedbackRouteDeps {
  queue: FeedbackQueue;
  staff: StaffAuth;
  logger: Logger;
}

/** A case text of MAX_TEXT_CHARS characters of Vietnamese fits, with room for the rest. */
export const FEEDBACK_BODY_BYTES = 32 * 1024;

const n = (x: number) => x.toLocaleString("vi-VN");

const MESSAGES: Record<string, string> = {
  text_too_long: `Nội dung quá dài (tối đa ${n(MAX_TEXT_CHARS)} ký tự). / Text too long (max ${MAX_TEXT_CHARS} characters).`,
  text_too_short: `Nội dung quá ngắn (ít nhất ${MIN_TEXT_CHARS} ký tự): xin mô tả rõ sự việc. / Text too short (min ${MIN_TEXT_CHARS} characters).`,
  text_empty: "Vui lòng nhập nội dung phản ánh, kiến nghị. / The text is empty.",
  invalid_procedure_code:
    "Mã thủ tục không đúng dạng (ví dụ 1.001193). / Invalid procedure code (e.g. 1.001193).",
  unknown_procedure:
    "Không có thủ tục với mã này trong danh mục. / No procedure with this code in the catalogue.",
  case_not_found:
    "Không tìm thấy phản ánh, kiến nghị với mã và mã tra cứu này. / No case with this reference and token.",
  reason_required: "Cần nêu lý do không thụ lý. / Rejecting needs a reason.",
  note_required: "Cần nhập nội dung trả lời. / Answering needs the answer as note.",
  invalid_status: "Trạng thái không hợp lệ. / Unknown status.",
  unauthorized: "Cần đăng nhập cán bộ (Bearer token). / Staff authentication required.",
  busy: "Hệ thống đang bận, vui lòng thử lại. / The queue is busy, please retry.",
};

const fileBody = z
  .object({
    text: z.unknown(),
    kind: z.unknown().optional(),
    procedureCode: z.unknown().optional(),
    agency: z.unknown().optional(),
    contact: z.unknown().optional(),
    /** Pseudonymous id the web chat keeps for the citizen (optional). */
    userId: z.unknown().optional(),
  })
  .strict();

const statusBody = z
  .object({
    status: z.string(),
    version: z.number().int().positive(),
    note: z.string().nullish(),
    reason: z.string().nullish(),
    resultDate: z.string().optional(),
  })
  .strict();

const assignBody = z
  .object({ agency: z.string(), version: z.number().int().positive(), note: z.string().nullish() })
  .strict();

const progressBody = z.object({ note: z.string(), version: z.number().int().positive() }).strict();

const CITIZEN_PATH = /^\/api\/feedback\/([^/]+)$/;
const STAFF_CASE_PATH = /^\/api\/staff\/feedback\/([^/]+)(?:\/(status|assign|progress))?$/;

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join(".") || "(body)";
  const detail =
    issue?.code === "unrecognized_keys"
      ? `unknown field(s): ${issue.keys.join(", ")}`
      : `${field}: ${issue?.message}`;
  throw new HttpError(
    400,
    "invalid_request",
    `Dữ liệu gửi lên không hợp lệ. / Invalid request — ${detail}`,
  );
}

/** Domain errors → HTTP errors (status, code, citizen-readable message). */
export function toHttpError(err: unknown): unknown {
  if (err instanceof FeedbackInputError) {
    return new HttpError(
      400,
      err.code,
      MESSAGES[err.code] ?? `Dữ liệu không hợp lệ (${err.field}). / ${err.message}`,
    );
  }
  if (err instanceof UnknownProcedureError)
    return new HttpError(422, err.code, MESSAGES.unknown_procedure!);
  if (err instanceof CaseNotFoundError)
    return new HttpError(404, err.code, MESSAGES.case_not_found!);
  if (err instanceof InvalidTransitionError) {
    return new HttpError(409, err.code, `Không thể chuyển trạng thái. / ${err.message}`);
  }
  if (err instanceof VersionConflictError) {
    return new HttpError(
      409,
      err.code,
      `Hồ sơ vừa được người khác cập nhật: tải lại rồi thử lại. / ${err.message}`,
    );
  }
  if (err instanceof CaseNotOpenError)
    return new HttpError(409, err.code, `Phản ánh đã kết thúc xử lý. / ${err.message}`);
  if (err instanceof Error && (err as { code?: string }).code === "SQLITE_BUSY") {
    return new HttpError(503, "busy", MESSAGES.busy!, { "Retry-After": "1" });
  }
  return err;
}

function methodNotAllowed(allow: string): HttpError {
  return new HttpError(
    405,
    "method_not_allowed",
    "Phương thức không được hỗ trợ. / Method not allowed.",
    {
      Allow: allow,
    },
  );
}

function decodeRef(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return "";
  }
}

export function createFeedbackRoutes(deps: FeedbackRouteDeps): ExtraRoute {
  const { queue, staff, logger } = deps;

  function staffName(req: http.IncomingMessage): string {
    const header = req.headers.authorization ?? "";
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const name = m ? staff.verify(m[1]!) : null;
    if (name === null) {
      throw new HttpError(401, "unauthorized", MESSAGES.unauthorized!, {
        "WWW-Authenticate": 'Bearer realm="motcua-staff"',
      });
    }
    return name;
  }

  async function fileCase(req: http.IncomingMessage, res: http.ServerResponse) {
    const body = parse(fileBody, await readJsonBody(req, FEEDBACK_BODY_BYTES));
    const filed = queue.fileCase({
      channel: "web",
      // A caller's own id is kept apart from the chat's hashed ids ("w…"), so it can never pose
      // as another web chat user and receive their notifications.
      userId:
        typeof body.userId === "string" && body.userId !== ""
          ? `api-${createHash("sha256").update(body.userId).digest("hex").slice(0, 32)}`
          : `web-${randomBytes(12).toString("base64url")}`,
      text: body.text as string,
      kind: body.kind as "complaint" | "proposal" | undefined,
      procedureCode: body.procedureCode as string | null | undefined,
      agency: body.agency as string | null | undefined,
      contact: body.contact as string | null | undefined,
    });
    logger.info(
      {
        ref: filed.ref,
        channel: "web",
        kind: filed.kind,
        procedureCode: filed.procedureCode,
        agency: filed.agency,
      },
      "feedback filed",
    );
    logger.debug(
      { ref: filed.ref, text: maskPersonalData(String(body.text)).slice(0, 200) },
      "feedback text",
    );
    const [y, m, d] = filed.dueDate.split("-");
    sendJson(
      res,
      201,
      {
        ...filed,
        statusUrl: `/api/feedback/${filed.ref}`,
        message:
          `Đã tiếp nhận phản ánh, kiến nghị ${filed.ref}. Hạn xử lý: ${d}/${m}/${y}. ` +
          "Vui lòng giữ mã tra cứu (token) để theo dõi kết quả.",
      },
      { Location: `/api/feedback/${filed.ref}` },
    );
  }

  function list(req: http.IncomingMessage, res: http.ServerResponse) {
    const q = new URL(req.url ?? "/", "http://localhost").searchParams;
    const statuses = (q.get("status") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = statuses.find((s) => !isStatus(s));
    if (bad !== undefined) throw new HttpError(400, "invalid_status", MESSAGES.invalid_status!);
    const limitText = q.get("limit");
    if (limitText !== null && !/^\d{1,4}$/.test(limitText)) {
      throw new HttpError(
        400,
        "invalid_field",
        "limit phải là số nguyên. / limit must be an integer.",
      );
    }
    const flag = (name: string) => ["1", "true"].includes(q.get(name) ?? "");
    const agency = q.get("agency");
    const cursor = q.get("cursor");
    sendJson(
      res,
      200,
      queue.list({
        statuses: statuses as Status[],
        ...(agency ? { agency } : {}),
        unassigned: flag("unassigned"),
        overdue: flag("overdue"),
        ...(limitText !== null ? { limit: Number(limitText) } : {}),
        ...(cursor ? { cursor } : {}),
      }),
    );
  }

  async function staffAction(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    ref: string,
    action: "status" | "assign" | "progress",
    name: string,
  ) {
    const body = await readJsonBody(req);
    const actor = `staff:${name}`;
    let view;
    if (action === "status") {
      const b = parse(statusBody, body);
      view = queue.changeStatus(ref, {
        to: b.status,
        actor,
        note: b.note ?? null,
        reason: b.reason ?? null,
        expectedVersion: b.version,
        ...(b.resultDate !== undefined ? { resultDate: b.resultDate } : {}),
      });
    } else if (action === "assign") {
      const b = parse(assignBody, body);
      view = queue.assign(ref, {
        agency: b.agency,
        actor,
        note: b.note ?? null,
        expectedVersion: b.version,
      });
    } else {
      const b = parse(progressBody, body);
      view = queue.addProgress(ref, { note: b.note, actor, expectedVersion: b.version });
    }
    logger.info(
      { ref, actor, action, status: view.status, version: view.version },
      "feedback updated",
    );
    sendJson(res, 200, view);
  }

  return async (req, res, path) => {
    const method = req.method === "HEAD" ? "GET" : req.method;
    try {
      if (path === "/api/feedback") {
        if (method !== "POST") throw methodNotAllowed("POST");
        await fileCase(req, res);
        return true;
      }
      const citizen = CITIZEN_PATH.exec(path);
      if (citizen) {
        if (method !== "GET") throw methodNotAllowed("GET, HEAD");
        // The X-Citizen-Token header keeps the token out of proxy logs and browser history;
        // ?token= stays for links.
        const header = req.headers["x-citizen-token"];
        const token =
          (typeof header === "string" ? header : undefined) ??
          new URL(req.url ?? "/", "http://localhost").searchParams.get("token") ??
          "";
        sendJson(res, 200, queue.citizenView(decodeRef(citizen[1]!), token));
        return true;
      }
      if (path === "/api/staff/feedback") {
        staffName(req);
        if (method !== "GET") throw methodNotAllowed("GET, HEAD");
        list(req, res);
        return true;
      }
      const staffCase = STAFF_CASE_PATH.exec(path);
      if (staffCase) {
        const name = staffName(req);
        const ref = decodeRef(staffCase[1]!);
        const action = staffCase[2] as "status" | "assign" | "progress" | undefined;
        if (action === undefined) {
          if (method !== "GET") throw methodNotAllowed("GET, HEAD");
          sendJson(res, 200, queue.staffView(ref));
        } else {
          if (method !== "POST") throw methodNotAllowed("POST");
          await staffAction(req, res, ref, action, name);
        }
        return true;
      }
      return false;
    } catch (err) {
      throw toHttpError(err);
    }
  };
}
