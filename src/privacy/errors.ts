/** Errors of the privacy commands, named by cause; messages Vietnamese first, then English. */
import { MotcuaError } from "../errors.ts";

/** What the operator typed, shortened, for the message. */
const shown = (value: string) =>
  JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

/** Not a case reference at all (PAKN-2026-000123). */
export class InvalidCaseRefError extends MotcuaError {
  readonly code = "case_ref_invalid";
  constructor(readonly ref: string) {
    super(
      `Mã phản ánh, kiến nghị không đúng dạng: ${shown(ref)} (ví dụ PAKN-2026-000123). / ` +
        `Invalid case reference ${shown(ref)} (expected e.g. PAKN-2026-000123).`,
    );
  }
}

/** A well-formed reference that no case has. */
export class UnknownCaseRefError extends MotcuaError {
  readonly code = "case_ref_unknown";
  constructor(readonly ref: string) {
    super(
      `Không có phản ánh, kiến nghị nào mang mã ${ref} trong cơ sở dữ liệu này. / ` +
        `No case ${ref} in this database.`,
    );
  }
}

/** `data` with a missing or unknown subcommand or option. */
export class DataUsageError extends MotcuaError {
  readonly code = "data_usage_invalid";
}
