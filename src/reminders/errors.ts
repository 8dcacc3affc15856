/** Errors of the reminders module, named by cause. */
export class ReminderRulesError extends Error {
  override readonly name = "ReminderRulesError";
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

export class ReminderInputError extends Error {
  override readonly name = "ReminderInputError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
