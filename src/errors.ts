/**
 * The base of every motcua error, and the one error for a data or rule file that cannot be used.
 *
 * Each error is named by its cause and carries a stable snake_case `code`: the HTTP layer and the
 * CLI map codes, tests match them; messages are for logs and operators and may change.
 */

export abstract class MotcuaError extends Error {
  /** Stable, snake_case: what callers and the HTTP layer match on. */
  abstract readonly code: string;

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    // The concrete class ("DataFileError", "CaseNotFoundError"…), in stacks and logs.
    this.name = new.target.name;
  }
}

/**
 * A data, rule, prompt or template file (data/*.json, prompts/…) that is missing, unreadable, not
 * JSON, or not of the expected shape. `problems` lists every mistake found, each naming the entry,
 * field or line at fault; the message names the file and repeats them.
 */
export class DataFileError extends MotcuaError {
  readonly code = "data_file_invalid";

  constructor(
    /** The file (or directory of template files) at fault. */
    readonly file: string,
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(
      problems.length <= 1
        ? `Invalid data file ${file}: ${problems[0] ?? "invalid"}`
        : `Invalid data file ${file}:\n  ${problems.join("\n  ")}`,
      options,
    );
  }
}

/** Zod-style issues as problem lines: "days.0.date: must be a date YYYY-MM-DD". */
export function issueProblems(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string[] {
  return issues.map((i) => `${i.path.map(String).join(".") || "(file)"}: ${i.message}`);
}
