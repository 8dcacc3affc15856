/** Errors of the reminders module, named by cause (a bad rules file is a DataFileError). */
import { MotcuaError } from "../errors.ts";

export class ReminderInputError extends MotcuaError {
  readonly code = "reminder_input_invalid";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
