/**
 * The staff changes of one PAKN case — status, assign, progress — as both staff surfaces take
 * them: the bearer API (feedback-routes.ts) and the officials' desk (staff-routes.ts). One body
 * schema and one store call each; the surfaces differ only in how a bad body is told (`parse`).
 */
import { z } from "zod";
import type { CaseScope, FeedbackStore, StaffCaseView } from "../feedback/index.ts";

const version = z.number().int().positive();
const statusBody = z
  .object({
    status: z.string(),
    version,
    note: z.string().nullish(),
    reason: z.string().nullish(),
    resultDate: z.string().optional(),
  })
  .strict();
const assignBody = z.object({ agency: z.string(), version, note: z.string().nullish() }).strict();
const progressBody = z.object({ note: z.string(), version }).strict();

/** Checks a body against a schema; throws the surface's own 400 when it does not fit. */
export type BodyParser = <T>(schema: z.ZodType<T>, body: unknown) => T;

/** One change by `actor` (e.g. "staff:lan") within `scope` (undefined: every case). */
export type CaseAction = (
  ref: string,
  actor: string,
  body: unknown,
  scope: CaseScope | undefined,
) => Promise<StaffCaseView>;

export function caseActions(
  feedback: Pick<FeedbackStore, "changeStatus" | "assign" | "addProgress">,
  parse: BodyParser,
): Record<"status" | "assign" | "progress", CaseAction> {
  return {
    async status(ref, actor, body, scope) {
      const b = parse(statusBody, body);
      return feedback.changeStatus(ref, {
        to: b.status,
        actor,
        scope,
        note: b.note ?? null,
        reason: b.reason ?? null,
        expectedVersion: b.version,
        ...(b.resultDate !== undefined ? { resultDate: b.resultDate } : {}),
      });
    },
    async assign(ref, actor, body, scope) {
      const b = parse(assignBody, body);
      return feedback.assign(ref, {
        agency: b.agency,
        actor,
        scope,
        note: b.note ?? null,
        expectedVersion: b.version,
      });
    },
    async progress(ref, actor, body, scope) {
      const b = parse(progressBody, body);
      return feedback.addProgress(ref, { note: b.note, actor, scope, expectedVersion: b.version });
    },
  };
}
