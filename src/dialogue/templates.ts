/**
 * The dialogue's Vietnamese texts: one template per file under prompts/dialogue/ (<name>.txt, same
 * syntax as prompts/answers: `{placeholder}`, optional "?" lines) and the short labels in
 * prompts/dialogue/labels.json. Checked when loaded: a missing file or an unknown placeholder fails
 * at start-up, not in front of a citizen.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { PROMPTS_DIR } from "../assistant/index.ts";
import { DataFileError } from "../errors.ts";
import { renderTemplate, type TemplateVars } from "../assistant/index.ts";

export const DIALOGUE_PROMPTS_DIR = join(PROMPTS_DIR, "dialogue");

/** Template name → the placeholders it may use. */
export const DIALOGUE_TEMPLATE_SPECS = {
  start: ["name", "hotline"],
  help: ["hotline"],
  "unknown-command": ["command"],
  empty: [],
  "text-only": [],
  error: ["hotline"],
  "pick-range": ["count"],
  "pick-aspect": ["count", "what"],
  "stale-button": [],
  "rate-up": [],
  "rate-down": [],
  "rate-comment": [],
  "rate-skip": [],
  "rate-not-found": [],
  "fb-ask-text": ["kind", "kindTitle", "min"],
  "fb-text-short": ["min"],
  "fb-text-long": ["max", "length"],
  "fb-ask-subject": ["kind", "kindTitle", "last"],
  "fb-unknown-code": ["code"],
  "fb-subject-long": ["max"],
  "fb-ask-contact": [],
  "fb-contact-long": ["max"],
  "fb-summary": ["kind", "kindTitle", "text", "subject", "contact"],
  "fb-edit": [],
  "fb-filed": ["kind", "kindTitle", "ref", "dueDate", "agency", "token"],
  "fb-already-filed": ["kind", "kindTitle", "ref"],
  "fb-cancelled": [],
  "fb-stale": [],
  "fb-use-buttons": [],
  "fb-failed": ["hotline"],
  status: [
    "kind",
    "kindTitle",
    "ref",
    "status",
    "receivedDate",
    "dueDate",
    "overdue",
    "procedure",
    "agency",
    "rejectReason",
    "history",
  ],
  "status-line": ["at", "status", "note"],
  "status-overdue": [],
  "status-ask-ref": ["recent"],
  "status-not-found": ["ref"],
  "status-token-wrong": ["ref"],
  notification: ["text", "ref"],
} as const satisfies Record<string, readonly string[]>;

export type DialogueTemplateName = keyof typeof DIALOGUE_TEMPLATE_SPECS;

const labelsSchema = z.object({
  $comment: z.unknown().optional(),
  rateUp: z.string().min(1),
  rateDown: z.string().min(1),
  skip: z.string().min(1),
  send: z.string().min(1),
  edit: z.string().min(1),
  cancel: z.string().min(1),
  editText: z.string().min(1),
  editSubject: z.string().min(1),
  editContact: z.string().min(1),
  viewStatus: z.string().min(1),
  menuFeedback: z.string().min(1),
  menuStatus: z.string().min(1),
  menuHuman: z.string().min(1),
  complaint: z.string().min(1),
  proposal: z.string().min(1),
  complaintTitle: z.string().min(1),
  proposalTitle: z.string().min(1),
  notGiven: z.string().min(1),
  procedure: z.string().min(1),
  /** How an attachment is named to the officer in a hand-over ("[Ảnh] …"). */
  attachments: z.object({
    photo: z.string().min(1),
    file: z.string().min(1),
    sticker: z.string().min(1),
    audio: z.string().min(1),
    video: z.string().min(1),
    location: z.string().min(1),
    other: z.string().min(1),
  }),
});

export type DialogueLabels = Omit<z.infer<typeof labelsSchema>, "$comment">;

export interface DialogueTemplates {
  texts: Readonly<Record<DialogueTemplateName, string>>;
  labels: DialogueLabels;
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/**
 * Checks a full set of texts and labels; throws DataFileError listing every problem (`dir` names
 * the templates in it).
 */
export function validateDialogueTemplates(
  texts: Readonly<Record<string, string | undefined>>,
  labels: unknown,
  dir = "(inline dialogue templates)",
): DialogueTemplates {
  const problems: string[] = [];
  const out: Partial<Record<DialogueTemplateName, string>> = {};
  for (const [name, allowed] of Object.entries(DIALOGUE_TEMPLATE_SPECS)) {
    const text = texts[name];
    if (text === undefined || text.trim() === "") {
      problems.push(`${name}: missing or empty`);
      continue;
    }
    for (const m of text.matchAll(PLACEHOLDER)) {
      if (!(allowed as readonly string[]).includes(m[1] ?? "")) {
        problems.push(`${name}: unknown placeholder {${m[1]}}`);
      }
    }
    out[name as DialogueTemplateName] = text.replace(/\s+$/, "");
  }
  const parsed = labelsSchema.safeParse(labels);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`labels.json: ${issue.path.join(".") || "(file)"}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new DataFileError(dir, problems);
  return { texts: out as Record<DialogueTemplateName, string>, labels: parsed.data };
}

/** Reads prompts/dialogue/*.txt and labels.json (or those of `dir`) and validates them. */
export function loadDialogueTemplates(dir: string = DIALOGUE_PROMPTS_DIR): DialogueTemplates {
  const read = (file: string): string | undefined => {
    try {
      return readFileSync(join(dir, file), "utf8");
    } catch {
      return undefined;
    }
  };
  const texts: Record<string, string | undefined> = {};
  for (const name of Object.keys(DIALOGUE_TEMPLATE_SPECS)) texts[name] = read(`${name}.txt`);
  let labels: unknown;
  try {
    labels = JSON.parse(read("labels.json") ?? "null");
  } catch {
    labels = null;
  }
  return validateDialogueTemplates(texts, labels, dir);
}

export type Render = (name: DialogueTemplateName, vars?: TemplateVars) => string;

/** A renderer over the templates that always knows the hotline. */
export function createRenderer(templates: DialogueTemplates, hotline: string): Render {
  return (name, vars = {}) => renderTemplate(templates.texts[name], { hotline, ...vars });
}
