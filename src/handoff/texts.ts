/** The hand-off's texts and triggers, from prompts/handoff/ (checked when loaded). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { PROMPTS_DIR } from "../assistant/index.ts";
import { folded } from "../text/index.ts";

export const HANDOFF_PROMPTS_DIR = join(PROMPTS_DIR, "handoff");

const text = z.string().min(1);
const textsSchema = z.object({
  $comment: z.unknown().optional(),
  queued: text,
  queuedLater: text,
  closedHours: text,
  already: text,
  claimed: text,
  staffReply: text,
  closed: text,
  rated: text,
  rateStale: text,
  released: text,
  releasedStaff: text,
  buttonFeedback: text,
  buttonQueue: text,
  reasonAsked: text,
  reasonRepeatedMiss: text,
  reasonSensitive: text,
  /** For staff: why a message did not reach the citizen, per reason of channel_undelivered. */
  undelivered: z.object({
    $comment: z.unknown().optional(),
    outside_window: text,
    blocked: text,
    rejected: text,
    expired: text,
  }),
});
export type HandoffTexts = z.infer<typeof textsSchema>;

const triggersSchema = z.object({
  $comment: z.unknown().optional(),
  missesInARow: z.number().int().min(1).max(10),
  askHuman: z.array(text),
  sensitive: z.array(text),
});
export type HandoffTriggers = z.infer<typeof triggersSchema>;

export function loadHandoffTexts(dir = HANDOFF_PROMPTS_DIR): HandoffTexts {
  return textsSchema.parse(JSON.parse(readFileSync(join(dir, "texts.json"), "utf8")));
}

export function loadHandoffTriggers(dir = HANDOFF_PROMPTS_DIR): HandoffTriggers {
  return triggersSchema.parse(JSON.parse(readFileSync(join(dir, "triggers.json"), "utf8")));
}

/** What the citizen's text calls for: a person on request, a sensitive topic, or nothing. */
export function detectTrigger(
  triggers: HandoffTriggers,
  raw: string,
): "asked" | "sensitive" | null {
  const padded = ` ${folded(raw)} `;
  const has = (phrases: readonly string[]) =>
    phrases.some((p) => padded.includes(` ${folded(p)} `));
  if (has(triggers.askHuman)) return "asked";
  if (has(triggers.sensitive)) return "sensitive";
  return null;
}
