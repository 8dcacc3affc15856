/** The lifecycle of a PAKN case and the transitions staff may make. */

export const STATUSES = [
  "received",
  "accepted",
  "in_progress",
  "answered",
  "closed",
  "rejected",
] as const;
export type Status = (typeof STATUSES)[number];

/** Not yet handled: the deadline runs. */
export const OPEN_STATUSES: readonly Status[] = ["received", "accepted", "in_progress"];

const TRANSITIONS: Record<Status, readonly Status[]> = {
  received: ["accepted", "rejected"],
  accepted: ["in_progress", "answered", "rejected"],
  in_progress: ["answered", "rejected"],
  answered: ["closed"],
  closed: [],
  rejected: [],
};

export function isStatus(value: unknown): value is Status {
  return typeof value === "string" && (STATUSES as readonly string[]).includes(value);
}

export function allowedNext(from: Status): readonly Status[] {
  return TRANSITIONS[from];
}

export function canTransition(from: Status, to: Status): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isOpen(status: Status): boolean {
  return OPEN_STATUSES.includes(status);
}

/** Reaching one of these ends the handling period (the case counts as handled). */
export function isHandled(status: Status): boolean {
  return status === "answered" || status === "rejected" || status === "closed";
}
