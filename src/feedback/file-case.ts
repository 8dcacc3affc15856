/** Filing a case: one IMMEDIATE transaction (sequence, case, history); acknowledged once committed. */
import { localDate } from "../calendar/index.ts";
import type { Database } from "../db/index.ts";
import { maskPersonalData } from "../logger.ts";
import { validateFileCase, type FeedbackKind, type FileCaseInput } from "./input.ts";
import type { ProcedureDirectory } from "./procedures.ts";
import { formatRef, newCitizenToken, sha256Hex } from "./reference.ts";
import { routeCase } from "./routing.ts";
import type { DeadlineCalculator } from "./rules.ts";
import { addHistory, type FeedbackStatements } from "./store.ts";

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

export interface FileCaseDeps {
  db: Database;
  statements: FeedbackStatements;
  now: () => Date;
  deadlines: DeadlineCalculator;
  procedures: ProcedureDirectory;
}

export function createFileCase(deps: FileCaseDeps): (input: FileCaseInput) => FiledCase {
  const { db, statements: s } = deps;
  const write = db.transaction(
    (input: ReturnType<typeof validateFileCase>, routing: ReturnType<typeof routeCase>) => {
      const receivedAt = deps.now();
      const { dueDate, dueAt, firstProgressAt } = deps.deadlines.forReceipt(receivedAt);
      const year = Number(localDate(receivedAt).slice(0, 4));
      const seq = s.nextSequence.get(year)!.last;
      const ref = formatRef(year, seq);
      const token = newCitizenToken();
      const at = receivedAt.toISOString();
      const info = s.insertCase.run({
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
      });
      addHistory(s, {
        caseId: Number(info.lastInsertRowid),
        at,
        actor: "citizen",
        action: "filed",
        from: null,
        to: "received",
        note: null,
      });
      const filed: FiledCase = {
        ref,
        token,
        kind: input.kind,
        status: "received",
        receivedAt: at,
        dueDate,
        dueAt: dueAt.toISOString(),
        agency: routing.agency,
        procedureCode: input.procedureCode,
      };
      return filed;
    },
  );
  return (raw) => {
    const input = validateFileCase(raw);
    const routing = routeCase(input, deps.procedures);
    return write.immediate(input, routing);
  };
}
