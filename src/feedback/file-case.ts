/**
 * Filing a case: one transaction (the year's next number, the case, its first history entry);
 * acknowledged once committed. `prepareFiling` is what both stores share.
 */
import { localDate } from "../calendar/index.ts";
import type { Database } from "../db/index.ts";
import { maskPersonalData } from "../logger.ts";
import { validateFileCase, type FeedbackKind, type FileCaseInput } from "./input.ts";
import type { ProcedureDirectory } from "./procedures.ts";
import { formatRef, newCitizenToken, sha256Hex } from "./reference.ts";
import { routeCase } from "./routing.ts";
import type { DeadlineCalculator } from "./rules.ts";
import {
  addHistory,
  insertCaseParams,
  type FeedbackStatements,
  type HistoryEntry,
  type NewCaseRow,
} from "./store.ts";

export interface FiledCase {
  ref: string;
  /** Shown to the citizen once, never stored in clear: they need it to follow the case. */
  token: string;
  kind: FeedbackKind;
  status: "received";
  receivedAt: string;
  /** Vietnamese date the handling period ends. */
  dueDate: string;
  /** End of that day, ISO 8601. */
  dueAt: string;
  agency: string | null;
  procedureCode: string | null;
}

export interface FileCaseOptions {
  db: Database;
  statements: FeedbackStatements;
  now: () => Date;
  deadlines: DeadlineCalculator;
  procedures: ProcedureDirectory;
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

/** The synchronous filing (legacy connection, until the callers move). */
export function createFileCase(deps: FileCaseOptions): (input: FileCaseInput) => FiledCase {
  const { db, statements: s } = deps;
  const write = db.transaction(
    (input: ReturnType<typeof validateFileCase>, routing: ReturnType<typeof routeCase>) => {
      const filing = prepareFiling(input, routing, deps.deadlines, deps.now());
      const { row, filed } = filing.build(s.nextSequence.get(filing.year)!.last);
      const { id } = s.insertCase.get(...insertCaseParams(row))!;
      addHistory(s, filing.history(id));
      return filed;
    },
  );
  return (raw) => {
    const input = validateFileCase(raw);
    const routing = routeCase(input, deps.procedures);
    return write.immediate(input, routing);
  };
}
