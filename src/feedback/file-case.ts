/**
 * Filing a case: one transaction (the year's next number, the case, its first history entry);
 * acknowledged once committed. `prepareFiling` builds it; the store (src/feedback/sql-store.ts)
 * writes it.
 */
import { localDate } from "../calendar/index.ts";
import { maskPersonalData } from "../logger.ts";
import type { IdempotencyHashes } from "./idempotency.ts";
import type { FeedbackKind, validateFileCase } from "./input.ts";
import { formatRef, newCitizenToken, sha256Hex } from "./reference.ts";
import type { routeCase } from "./routing.ts";
import type { DeadlineCalculator } from "./rules.ts";
import type { Status } from "./status.ts";
import type { HistoryEntry, NewCaseRow } from "./store.ts";

export interface FiledCase {
  ref: string;
  /** Shown to the citizen once, never stored in clear: they need it to follow the case. */
  token: string;
  kind: FeedbackKind;
  /** "received" when filed; a replayed filing (src/feedback/idempotency.ts) gives it as it stands. */
  status: Status;
  receivedAt: string;
  /** Vietnamese date the handling period ends. */
  dueDate: string;
  /** End of that day, ISO 8601. */
  dueAt: string;
  agency: string | null;
  procedureCode: string | null;
}

/** A case about to be filed: its year, and its row and receipt once the year's number is known. */
export interface Filing {
  year: number;
  build(sequence: number): { row: NewCaseRow; filed: FiledCase };
  /** The first history entry, once the case has its id. */
  history(caseId: number): HistoryEntry;
}

export function prepareFiling(
  input: ReturnType<typeof validateFileCase>,
  routing: ReturnType<typeof routeCase>,
  deadlines: DeadlineCalculator,
  receivedAt: Date,
  idempotency: IdempotencyHashes | null = null,
): Filing {
  const { dueDate, dueAt, firstProgressAt } = deadlines.forReceipt(receivedAt);
  const year = Number(localDate(receivedAt).slice(0, 4));
  const at = receivedAt.toISOString();
  return {
    year,
    build(sequence) {
      const ref = formatRef(year, sequence);
      const token = newCitizenToken();
      return {
        row: {
          ref,
          token_hash: sha256Hex(token),
          kind: input.kind,
          channel: input.channel,
          user_id: input.userId,
          text: input.text,
          text_masked: maskPersonalData(input.text),
          contact: input.contact,
          procedure_code: input.procedureCode,
          agency: routing.agency,
          routed_by: routing.routedBy,
          received_at: at,
          due_at: dueAt.toISOString(),
          next_progress_at: firstProgressAt.toISOString(),
          idempotency_key_hash: idempotency?.keyHash ?? null,
          idempotency_request_hash: idempotency?.requestHash ?? null,
        },
        filed: {
          ref,
          token,
          kind: input.kind,
          status: "received",
          receivedAt: at,
          dueDate,
          dueAt: dueAt.toISOString(),
          agency: routing.agency,
          procedureCode: input.procedureCode,
        },
      };
    },
    history: (caseId) => ({
      caseId,
      at,
      actor: "citizen",
      action: "filed",
      from: null,
      to: "received",
      note: null,
    }),
  };
}
