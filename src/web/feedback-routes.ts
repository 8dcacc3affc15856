/**
 * The PAKN store over HTTP (rows in src/web/routes.ts):
 *
 *   POST /api/feedback                          file a case → 201 { ref, token, dueAt, … }
 *        [Idempotency-Key: k]                   a retry with k and the same body: 200, the same
 *                                               case with a new token, Idempotent-Replayed: true
 *   GET  /api/feedback/:ref?token=…             the citizen's view (404 for a wrong token too)
 *   GET  /api/staff/feedback?status=&agency=&unassigned=1&overdue=1&limit=&cursor=
 *   GET  /api/staff/feedback/:ref
 *   POST /api/staff/feedback/:ref/status        { status, version, note?, reason?, resultDate? }
 *   POST /api/staff/feedback/:ref/assign        { agency, version, note? }
 *   POST /api/staff/feedback/:ref/progress      { note, version }
 *
 * Staff routes need `Authorization: Bearer <token>` (`staffToken`, see README, "Staff
 * authentication"); it is checked before the body is read or the case looked up, so an anonymous
 * caller learns nothing, not even whether a case exists. A token scoped to an agency
 * (docs/officials-desk.md) lists only that agency's cases, and any other case — read or change —
 * is 404 `case_not_found`, as if it did not exist. Domain errors (unknown case, stale version…)
 * are mapped to HTTP in src/web/errors.ts; a write that finds SQLite's lock held by another
 * connection waits in the SqlDatabase's write gate, then 503 `database_busy`.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import {
  IDEMPOTENCY_KEY,
  isStatus,
  type CaseScope,
  type FeedbackStore,
  type ScopeResolver,
  type StaffAuth,
  type Status,
} from "../feedback/index.ts";
import { maskPersonalData, type Logger } from "../logger.ts";
import { caseActions, type CaseAction } from "./case-actions.ts";
import { HttpError } from "./errors.ts";
import { json, type Handler, type Middleware } from "./http.ts";
import type { RouteGroup } from "./routes.ts";

export interface FeedbackRouteOptions {
  feedback: FeedbackStore;
  /** Staff tokens' scopes (src/feedback/scope.ts). */
  scopes: ScopeResolver;
  staff: StaffAuth;
  logger: Logger;
}

const UNAUTHORIZED = "Cần đăng nhập cán bộ (Bearer token). / Staff authentication required.";

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

/**
 * The Idempotency-Key header: absent, or 1–128 visible ASCII characters. The draft makes it a
 * Structured Field string (`"…"`): its quotes are taken off, so `"k"` and `k` are one key.
 */
function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = /^"([^"\\]*)"$/.exec(header)?.[1] ?? header;
  if (!IDEMPOTENCY_KEY.test(key)) throw new HttpError(400, "invalid_idempotency_key");
  return key;
}

const hashed = (prefix: string, value: string) =>
  `${prefix}-${createHash("sha256").update(value).digest("hex").slice(0, 32)}`;

export function createFeedbackRoutes(deps: FeedbackRouteOptions): RouteGroup {
  const { feedback, scopes, staff, logger } = deps;

  /** The caller's agency scope; undefined for `*` (a token without one sees every case). */
  const scopeOf = (name: string): CaseScope | undefined => {
    const spec = staff.scopeOf(name);
    if (spec === null) throw new HttpError(401, "unauthorized", UNAUTHORIZED);
    return spec === "*" ? undefined : scopes.resolve(spec);
  };

  const staffToken: Middleware = async (c, next) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
    const name = m ? staff.verify(m[1]!) : null;
    if (name === null) {
      throw new HttpError(401, "unauthorized", UNAUTHORIZED, {
        "WWW-Authenticate": 'Bearer realm="motcua-staff"',
      });
    }
    c.set("staff", name);
    await next();
  };

  const file: Handler = async (c) => {
    const key = idempotencyKey(c.req.header("idempotency-key"));
    const body = parse(fileBody, c.var.body);
    const input = {
      channel: "web",
      // A caller's own id is kept apart from the chat's hashed ids ("w…"), so it can never pose
      // as another web chat user and receive their notifications. Without one, a keyed request's
      // id comes from its key, so that its retry is the same request.
      userId:
        typeof body.userId === "string" && body.userId !== ""
          ? hashed("api", body.userId)
          : key !== undefined
            ? hashed("web", `idempotency:${key}`)
            : `web-${randomBytes(12).toString("base64url")}`,
      text: body.text as string,
      kind: body.kind as "complaint" | "proposal" | undefined,
      procedureCode: body.procedureCode as string | null | undefined,
      agency: body.agency as string | null | undefined,
      contact: body.contact as string | null | undefined,
    };
    const { filed, replayed } =
      key === undefined
        ? { filed: await feedback.fileCase(input), replayed: false }
        : await feedback.fileCaseOnce(input, key);
    if (replayed) {
      logger.info({ ref: filed.ref, channel: "web" }, "feedback filing replayed (Idempotency-Key)");
    } else {
      logger.info(
        {
          ref: filed.ref,
          channel: "web",
          kind: filed.kind,
          procedureCode: filed.procedureCode,
          // Free text from the citizen: masked like everything personal in the logs.
          agency: filed.agency === null ? null : maskPersonalData(filed.agency),
        },
        "feedback filed",
      );
      logger.debug(
        { ref: filed.ref, text: maskPersonalData(String(body.text)).slice(0, 200) },
        "feedback text",
      );
    }
    const [y, m, d] = filed.dueDate.split("-");
    return json(
      {
        ...filed,
        statusUrl: `/api/feedback/${filed.ref}`,
        message:
          `Đã tiếp nhận phản ánh, kiến nghị ${filed.ref}. Hạn xử lý: ${d}/${m}/${y}. ` +
          "Vui lòng giữ mã tra cứu (token) để theo dõi kết quả.",
      },
      replayed ? 200 : 201,
      {
        Location: `/api/feedback/${filed.ref}`,
        ...(replayed ? { "Idempotent-Replayed": "true" } : {}),
      },
    );
  };

  const list: Handler = async (c) => {
    const statuses = (c.req.query("status") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (!statuses.every(isStatus)) {
      throw new HttpError(400, "invalid_status", "Trạng thái không hợp lệ. / Unknown status.");
    }
    const limit = c.req.query("limit");
    if (limit !== undefined && !/^\d{1,4}$/.test(limit)) {
      throw new HttpError(
        400,
        "invalid_field",
        "limit phải là số nguyên. / limit must be an integer.",
      );
    }
    const flag = (name: string) => ["1", "true"].includes(c.req.query(name) ?? "");
    const agency = c.req.query("agency");
    const cursor = c.req.query("cursor");
    const within = (await scopeOf(c.var.staff)?.agencyValues()) ?? null;
    return json(
      await feedback.list({
        statuses: statuses as Status[],
        ...(agency ? { agency } : {}),
        ...(within !== null ? { agencyIn: within } : {}),
        unassigned: flag("unassigned"),
        overdue: flag("overdue"),
        ...(limit !== undefined ? { limit: Number(limit) } : {}),
        ...(cursor ? { cursor } : {}),
      }),
    );
  };

  const changes = caseActions(feedback, parse);

  /** A staff action on one case, logged with who did it. */
  const action =
    (name: string, run: CaseAction): Handler =>
    async (c) => {
      const ref = c.req.param("ref")!;
      const actor = `staff:${c.var.staff}`;
      const view = await run(ref, actor, c.var.body, scopeOf(c.var.staff));
      logger.info(
        { ref, actor, action: name, status: view.status, version: view.version },
        "feedback updated",
      );
      return json(view);
    };

  return {
    feedback: {
      staffToken,
      file,
      // The X-Citizen-Token header keeps the token out of proxy logs and browser history;
      // ?token= stays for links.
      citizenView: async (c) =>
        json(
          await feedback.citizenView(
            c.req.param("ref")!,
            c.req.header("x-citizen-token") ?? c.req.query("token") ?? "",
          ),
        ),
      list,
      staffView: async (c) =>
        json(await feedback.staffView(c.req.param("ref")!, scopeOf(c.var.staff))),
      status: action("status", changes.status),
      assign: action("assign", changes.assign),
      progress: action("progress", changes.progress),
    },
  };
}
