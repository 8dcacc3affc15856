/**
 * Errors of PAKN (src/feedback), named by cause. Each carries a stable `code` the HTTP layer maps
 * to a status; messages are for logs and staff (citizens get short Vietnamese text from the web
 * layer).
 */
import { MotcuaError } from "../errors.ts";
import type { Status } from "./status.ts";

/** PAKN's own errors (a bad data/pakn-rules.json is a DataFileError). */
export abstract class FeedbackError extends MotcuaError {}

/** Input that cannot be accepted: which field, and why. */
export class FeedbackInputError extends FeedbackError {
  constructor(
    readonly code: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export class UnknownProcedureError extends FeedbackError {
  readonly code = "unknown_procedure";
  constructor(readonly procedureCode: string) {
    super(`No procedure with code ${procedureCode} in the catalogue`);
  }
}

/** No such case — or a token that does not match it: the two are not told apart. */
export class CaseNotFoundError extends FeedbackError {
  readonly code = "case_not_found";
  constructor(readonly ref: string) {
    super(`No feedback case ${ref}`);
  }
}

export class InvalidTransitionError extends FeedbackError {
  readonly code = "invalid_transition";
  constructor(
    readonly ref: string,
    readonly from: Status,
    readonly to: string,
    readonly allowed: readonly Status[],
  ) {
    super(
      `${ref}: cannot go from ${from} to ${to}` +
        (allowed.length ? ` (allowed: ${allowed.join(", ")})` : ` (${from} is final)`),
    );
  }
}

/** Someone else changed the case since the version the caller read. */
export class VersionConflictError extends FeedbackError {
  readonly code = "version_conflict";
  constructor(
    readonly ref: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`${ref} is at version ${actual}, not ${expected}: reload it and try again`);
  }
}

/** The case is answered, closed or rejected: it cannot be reassigned or get progress notes. */
export class CaseNotOpenError extends FeedbackError {
  readonly code = "case_not_open";
  constructor(
    readonly ref: string,
    readonly status: Status,
  ) {
    super(`${ref} is ${status}: no longer open`);
  }
}

/** An Idempotency-Key already used, within its window, for another request: nothing filed. */
export class IdempotencyKeyReusedError extends FeedbackError {
  readonly code = "idempotency_key_reused";
  constructor(readonly ref: string) {
    super(`The Idempotency-Key filed ${ref} with another request`);
  }
}

/**
 * The key was taken by a filing that committed while this one ran, and was not found when this
 * one looked again (a guard: the second look finds it, as the first filing has committed by then).
 */
export class IdempotencyKeyInUseError extends FeedbackError {
  readonly code = "idempotency_key_in_use";
  constructor() {
    super("Another filing with this Idempotency-Key is under way");
  }
}
