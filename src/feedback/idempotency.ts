/**
 * The Idempotency-Key of a filing (POST /api/feedback; the IETF draft "The Idempotency-Key HTTP
 * Header Field"): a client-chosen opaque string, kept only as a hash. A retry with the same key and
 * the same validated request within the window files nothing and gets the case again, with a new
 * token (the first token is stored only as its hash, so it cannot be given back); the same key
 * with another request is refused. Past the window the key is free again.
 */
import { localDate } from "../calendar/index.ts";
import type { FiledCase } from "./file-case.ts";
import type { CleanFileCaseInput } from "./input.ts";
import { sha256Hex } from "./reference.ts";
import type { CaseRow } from "./store.ts";

/** How long a key stands for the case it filed: 24 h from its filing. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** 1–128 visible ASCII characters (what the HTTP layer accepts). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,128}$/;

/** What is stored of a key and of the request it came with. */
export interface IdempotencyHashes {
  keyHash: string;
  requestHash: string;
}

/** The key within its channel (channels have no ":"), and the canonical validated request. */
export function idempotencyHashes(key: string, input: CleanFileCaseInput): IdempotencyHashes {
  const canonical = JSON.stringify([
    input.kind,
    input.channel,
    input.userId,
    input.text,
    input.contact,
    input.procedureCode,
    input.agency,
  ]);
  return { keyHash: sha256Hex(`${input.channel}:${key}`), requestHash: sha256Hex(canonical) };
}

/** Whether a case filed with a key at `receivedAt` still answers for it at `now`. */
export const keyStands = (row: Pick<CaseRow, "received_at">, now: Date): boolean =>
  now.getTime() - Date.parse(row.received_at) < IDEMPOTENCY_WINDOW_MS;

/** The filing's answer again, from the case as it stands, with the new token. */
export function replayedCase(row: CaseRow, token: string): FiledCase {
  return {
    ref: row.ref,
    token,
    kind: row.kind,
    status: row.status,
    receivedAt: row.received_at,
    dueDate: localDate(new Date(row.due_at)),
    dueAt: row.due_at,
    agency: row.agency,
    procedureCode: row.procedure_code,
  };
}
