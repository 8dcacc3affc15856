/**
 * Answer templates: one text file per piece under prompts/answers/ (<name>.txt).
 * Syntax: `{placeholder}` is replaced by its value; a line starting with "?" is optional and is
 * dropped when one of its placeholders is empty (the "?" itself is never shown).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { DataFileError } from "../errors.ts";
import { PROMPTS_DIR } from "./rules.ts";

interface TemplateSpec {
  /** Placeholders the template may use. */
  allowed: readonly string[];
  /** Placeholders the template must use. */
  required?: readonly string[];
}

export const TEMPLATE_SPECS = {
  header: { allowed: ["name", "code", "levels"], required: ["name", "code"] },
  footer: { allowed: ["url", "hotline"], required: ["url"] },
  documents: { allowed: ["count", "list"], required: ["list"] },
  "documents-notes": { allowed: ["list"], required: ["list"] },
  "time-stated": { allowed: ["text"], required: ["text"] },
  submit: { allowed: ["ways"], required: ["ways"] },
  fee: { allowed: ["fees"], required: ["fees"] },
  time: { allowed: ["times"], required: ["times"] },
  where: { allowed: ["agencies", "address", "levels", "levelsOnly", "channels"] },
  how: { allowed: ["channels", "details"], required: ["channels"] },
  steps: { allowed: ["count", "list"], required: ["list"] },
  conditions: { allowed: ["conditions"], required: ["conditions"] },
  result: { allowed: ["result"], required: ["result"] },
  legal: { allowed: ["count", "list"], required: ["list"] },
  overview: { allowed: ["time", "fee", "where", "channels", "documents"] },
  more: { allowed: ["count", "what"], required: ["count", "what"] },
  missing: { allowed: ["what", "hotline"], required: ["what"] },
  unknown: { allowed: [] },
  "see-more": { allowed: [] },
  ambiguous: { allowed: ["count", "choices"], required: ["choices"] },
  "ambiguous-levels": { allowed: ["name", "choices"], required: ["choices"] },
  unsure: { allowed: [] },
  "not-found": { allowed: ["hotline", "paknUrl"], required: ["hotline"] },
  "out-of-scope": { allowed: ["hotline", "paknUrl"] },
  "unknown-code": { allowed: ["code", "hotline"] },
  greeting: { allowed: ["hotline"] },
  thanks: { allowed: ["hotline"] },
  handoff: { allowed: ["hotline"], required: ["hotline"] },
  feedback: { allowed: ["hotline", "paknUrl"], required: ["hotline", "paknUrl"] },
  empty: { allowed: [] },
  truncated: { allowed: ["limit"] },
  error: { allowed: ["hotline"] },
} as const satisfies Record<string, TemplateSpec>;

export type TemplateName = keyof typeof TEMPLATE_SPECS;
export type Templates = Readonly<Record<TemplateName, string>>;
export type TemplateVars = Readonly<Record<string, string | number | undefined>>;

export const TEMPLATE_NAMES = Object.keys(TEMPLATE_SPECS) as TemplateName[];

export const DEFAULT_TEMPLATES_DIR = join(PROMPTS_DIR, "answers");

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? "");
}

/**
 * Checks a full set of templates; throws DataFileError listing every problem (a template that is
 * missing, or uses a placeholder it may not, such as the typo {nmae}). `dir` names them in it.
 */
export function validateTemplates(
  source: Readonly<Record<string, string | undefined>>,
  dir = "(inline answer templates)",
): Templates {
  const problems: string[] = [];
  const out: Partial<Record<TemplateName, string>> = {};
  for (const name of TEMPLATE_NAMES) {
    const text = source[name];
    const spec: TemplateSpec = TEMPLATE_SPECS[name];
    if (text === undefined || text.trim() === "") {
      problems.push(`${name}: missing or empty`);
      continue;
    }
    const used = placeholders(text);
    for (const p of used) {
      if (!spec.allowed.includes(p)) problems.push(`${name}: unknown placeholder {${p}}`);
    }
    for (const p of spec.required ?? []) {
      if (!used.includes(p)) problems.push(`${name}: must use {${p}}`);
    }
    out[name] = text.replace(/\s+$/, "");
  }
  if (problems.length > 0) throw new DataFileError(dir, problems);
  return out as Templates;
}

/** Reads <dir>/<name>.txt for every template name and validates them. */
export function loadTemplates(dir: string = DEFAULT_TEMPLATES_DIR): Templates {
  const source: Record<string, string | undefined> = {};
  for (const name of TEMPLATE_NAMES) {
    try {
      source[name] = readFileSync(join(dir, `${name}.txt`), "utf8");
    } catch {
      source[name] = undefined;
    }
  }
  return validateTemplates(source, dir);
}

/** Substitutes `{placeholder}`s; optional ("?") lines with an empty value are dropped. */
export function renderTemplate(template: string, vars: TemplateVars): string {
  const value = (key: string): string => {
    const v = vars[key];
    return v === undefined ? "" : String(v);
  };
  const lines: string[] = [];
  for (const line of template.split("\n")) {
    let text = line;
    if (line.startsWith("?")) {
      text = line.slice(1);
      if (placeholders(text).some((p) => value(p).trim() === "")) continue;
    }
    lines.push(text.replace(PLACEHOLDER, (_, key: string) => value(key)));
  }
  return lines
    .join("\n")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
