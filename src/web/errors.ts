/**
 * What a caller gets when a request fails, decided in one place: `HttpError` (status, code, a
 * Vietnamese then English message, extra headers) and `toHttpError`, which maps the domain errors
 * (PAKN, hand-off, a busy database) to one. The route table's error handler
 * (src/web/routes.ts) answers with JSON `{ error: { code, message } }`; anything unknown becomes a
 * 500 apology.
 */
import {
  CaseNotFoundError,
  CaseNotOpenError,
  FeedbackInputError,
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  InvalidTransitionError,
  MAX_TEXT_CHARS,
  MIN_TEXT_CHARS,
  UnknownProcedureError,
  VersionConflictError,
} from "../feedback/index.ts";
import { HandoffError } from "../handoff/index.ts";
import { isBusyError, isDatabaseUnavailable } from "../db/index.ts";

/** Seconds a client is asked to wait when the database is busy (503 Retry-After). */
export const RETRY_AFTER_BUSY_S = 2;
/** Seconds asked when the database server cannot be reached (the pool reconnects meanwhile). */
export const RETRY_AFTER_UNAVAILABLE_S = 5;
/** Seconds asked when a filing with the same Idempotency-Key committed under this one. */
export const RETRY_AFTER_KEY_IN_USE_S = 1;

export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string = MESSAGES[code] ?? code,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const n = (x: number) => x.toLocaleString("vi-VN");

const MESSAGES: Record<string, string> = {
  bad_request: "Yêu cầu không hợp lệ. / Bad request.",
  not_found: "Không tìm thấy trang này. / Not found.",
  method_not_allowed: "Phương thức không được hỗ trợ. / Method not allowed.",
  unsupported_media_type:
    "Nội dung phải là JSON (Content-Type: application/json). / Content-Type must be application/json.",
  invalid_json: "Nội dung JSON không hợp lệ. / Malformed JSON body.",
  internal_error:
    "Xin lỗi, hệ thống đang gặp sự cố. Vui lòng thử lại sau hoặc gọi Tổng đài 1022. / Sorry, something went wrong. Please try again later.",
  // PAKN (src/feedback)
  text_too_long: `Nội dung quá dài (tối đa ${n(MAX_TEXT_CHARS)} ký tự). / Text too long (max ${MAX_TEXT_CHARS} characters).`,
  text_too_short: `Nội dung quá ngắn (ít nhất ${MIN_TEXT_CHARS} ký tự): xin mô tả rõ sự việc. / Text too short (min ${MIN_TEXT_CHARS} characters).`,
  text_empty: "Vui lòng nhập nội dung phản ánh, kiến nghị. / The text is empty.",
  invalid_procedure_code:
    "Mã thủ tục không đúng dạng (ví dụ 1.001193). / Invalid procedure code (e.g. 1.001193).",
  unknown_procedure:
    "Không có thủ tục với mã này trong danh mục. / No procedure with this code in the catalogue.",
  case_not_found:
    "Không tìm thấy phản ánh, kiến nghị với mã và mã tra cứu này. / No case with this reference and token.",
  invalid_idempotency_key:
    "Idempotency-Key không hợp lệ: cần 1–128 ký tự ASCII in được, không có khoảng trắng (ví dụ một UUID). / Invalid Idempotency-Key: 1–128 visible ASCII characters (e.g. a UUID).",
  idempotency_key_reused:
    "Idempotency-Key này đã được dùng cho một phản ánh có nội dung khác, nên không có gì được lưu. Phản ánh mới cần khoá mới. / This Idempotency-Key was used with a different request: nothing was filed. Use a new key for a new request.",
  idempotency_key_in_use:
    "Một yêu cầu khác với cùng Idempotency-Key đang được xử lý, vui lòng thử lại sau ít giây. / A request with this Idempotency-Key is in progress: please retry in a few seconds.",
  reason_required: "Cần nêu lý do không thụ lý. / Rejecting needs a reason.",
  note_required: "Cần nhập nội dung trả lời. / Answering needs the answer as note.",
  database_busy:
    "Hệ thống đang bận (cơ sở dữ liệu đang được bảo trì), vui lòng thử lại sau ít giây. Nội dung chưa được lưu. / The database is busy: nothing was saved, please retry in a few seconds.",
  database_unavailable:
    "Hệ thống tạm thời không kết nối được cơ sở dữ liệu, vui lòng thử lại sau ít giây. Nội dung chưa được lưu. / The database cannot be reached: nothing was saved, please retry in a few seconds.",
  too_many_requests:
    "Bạn gửi quá nhiều yêu cầu trong thời gian ngắn. Vui lòng đợi một chút rồi thử lại. / Too many requests: please wait and retry.",
  // The officials' desk and dashboard (src/web/staff-routes.ts)
  search_too_long: "Từ khoá tìm kiếm quá dài. / Search text too long.",
  invalid_quarter: "Quý không hợp lệ (ví dụ 2026Q1). / The quarter must look like 2026Q1.",
  invalid_period:
    "Khoảng thời gian không hợp lệ (từ ngày – đến ngày, tối đa 3 năm). / Invalid period.",
};

/** Hand-off (src/handoff): status and message per HandoffError code. */
const HANDOFF: Record<HandoffError["code"], [number, string]> = {
  not_found: [404, "Không tìm thấy phiếu. / Ticket not found."],
  closed: [409, "Phiếu đã đóng. / The ticket is closed."],
  assigned_to_other: [
    409,
    "Phiếu do cán bộ khác phụ trách. / The ticket is assigned to another officer.",
  ],
  not_delivered: [
    502,
    "Không chuyển được tin tới kênh của người dân (kênh chưa được cấu hình). / The reply could not be handed to the citizen's channel.",
  ],
  empty: [400, "Nội dung trả lời trống. / The reply is empty."],
};

export function payloadTooLarge(maxBytes: number): HttpError {
  const kb = Math.ceil(maxBytes / 1024);
  return new HttpError(
    413,
    "payload_too_large",
    `Yêu cầu quá lớn (tối đa ${kb} KB). / Request body too large (max ${kb} KB).`,
    // Stop reading the rest of the body: the connection is dropped once the answer is out.
    { Connection: "close" },
  );
}

/** An HttpError for what went wrong, or null when it is not a known failure (a bug: 500). */
export function toHttpError(err: unknown): HttpError | null {
  if (err instanceof HttpError) return err;
  if (err instanceof FeedbackInputError) {
    const message = MESSAGES[err.code] ?? `Dữ liệu không hợp lệ (${err.field}). / ${err.message}`;
    return new HttpError(400, err.code, message);
  }
  if (err instanceof UnknownProcedureError) return new HttpError(422, err.code);
  if (err instanceof CaseNotFoundError) return new HttpError(404, err.code);
  if (err instanceof IdempotencyKeyReusedError) return new HttpError(422, err.code);
  if (err instanceof IdempotencyKeyInUseError) {
    return new HttpError(409, err.code, MESSAGES[err.code], {
      "Retry-After": String(RETRY_AFTER_KEY_IN_USE_S),
    });
  }
  if (err instanceof InvalidTransitionError) {
    return new HttpError(409, err.code, `Không thể chuyển trạng thái. / ${err.message}`);
  }
  if (err instanceof VersionConflictError) {
    const message = `Hồ sơ vừa được người khác cập nhật: tải lại rồi thử lại. / ${err.message}`;
    return new HttpError(409, err.code, message);
  }
  if (err instanceof CaseNotOpenError) {
    return new HttpError(409, err.code, `Phản ánh đã kết thúc xử lý. / ${err.message}`);
  }
  if (err instanceof HandoffError) {
    const [status, message] = HANDOFF[err.code];
    return new HttpError(status, err.code, message);
  }
  // Another connection held the write lock past the retry budget (DatabaseBusyError), or a write
  // outside the gate found it taken (SQLITE_BUSY): nothing was written.
  if (isBusyError(err)) {
    return new HttpError(503, "database_busy", MESSAGES.database_busy, {
      "Retry-After": String(RETRY_AFTER_BUSY_S),
    });
  }
  // PostgreSQL unreachable or the connection lost mid-request: nothing was acknowledged.
  if (isDatabaseUnavailable(err)) {
    return new HttpError(503, "database_unavailable", MESSAGES.database_unavailable, {
      "Retry-After": String(RETRY_AFTER_UNAVAILABLE_S),
    });
  }
  return null;
}
