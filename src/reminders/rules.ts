/**
 * Reminder rules (data/reminder-rules.json) and the agencies directory (data/agencies.json),
 * validated with zod. Numbers and legal references live in data: provinces adjust them.
 */
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseDataFile, readJsonFile } from "../rule-file.ts";

export const DEFAULT_REMINDER_RULES_FILE = fileURLToPath(
  new URL("../../data/reminder-rules.json", import.meta.url),
);
export const DEFAULT_AGENCIES_FILE = fileURLToPath(
  new URL("../../data/agencies.json", import.meta.url),
);

export const LEVELS = ["commune", "district", "department"] as const;
export type Level = (typeof LEVELS)[number];

const leads = z.array(z.number().int().min(0).max(60)).min(1).max(10);

const schedule = z.discriminatedUnion("every", [
  z.object({ every: z.literal("quarter"), day: z.number().int().min(1).max(31) }).strict(),
  z
    .object({
      every: z.literal("year"),
      month: z.number().int().min(1).max(12),
      day: z.number().int().min(1).max(31),
    })
    .strict(),
]);

export const reminderRulesSchema = z
  .object({
    $comment: z.string().optional(),
    timeZone: z.literal("Asia/Ho_Chi_Minh"),
    sendAfter: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    cron: z.string().min(9),
    digestTopItems: z.number().int().min(1).max(10),
    consoleUrl: z.url().optional(),
    pakn: z
      .object({
        reference: z.string().min(1),
        dueSoon: z.object({ leadWorkingDays: leads }).strict(),
        overdue: z.object({ repeatEveryWorkingDays: z.number().int().min(1).max(60) }).strict(),
        progressUpdate: z.object({ leadWorkingDays: leads }).strict(),
        resultRecording: z.object({ leadWorkingDays: leads }).strict(),
      })
      .strict(),
    custom: z.object({ leadWorkingDays: leads }).strict(),
    periodic: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z0-9-]{1,24}$/),
            title: z.string().min(1),
            levels: z.array(z.enum(LEVELS)).min(1),
            schedule,
            leadWorkingDays: leads,
            reference: z.string().min(1),
          })
          .strict(),
      )
      .refine((a) => new Set(a.map((p) => p.id)).size === a.length, "periodic ids must be unique"),
  })
  .strict();

export type ReminderRules = z.infer<typeof reminderRulesSchema>;
export type PeriodicRule = ReminderRules["periodic"][number];

export const agenciesSchema = z
  .object({
    $comment: z.string().optional(),
    agencies: z
      .array(
        z
          .object({
            code: z.string().regex(/^[A-Z0-9-]{1,20}$/),
            name: z.string().min(1),
            level: z.enum(LEVELS),
          })
          .strict(),
      )
      .refine(
        (a) => new Set(a.map((x) => x.code)).size === a.length,
        "agency codes must be unique",
      ),
  })
  .strict();

export type Agency = z.infer<typeof agenciesSchema>["agencies"][number];

export const parseReminderRules = (value: unknown, file = "(inline)"): ReminderRules =>
  parseDataFile(reminderRulesSchema, value, file);

export const loadReminderRules = (file = DEFAULT_REMINDER_RULES_FILE): ReminderRules =>
  parseReminderRules(readJsonFile(file), file);

export const parseAgencies = (value: unknown, file = "(inline)"): Agency[] =>
  parseDataFile(agenciesSchema, value, file).agencies;

export const loadAgencies = (file = DEFAULT_AGENCIES_FILE): Agency[] =>
  parseAgencies(readJsonFile(file), file);
