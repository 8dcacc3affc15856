/**
 * Short Vietnamese answers from the structured fields of one procedure, through the templates
 * in prompts/answers/. Every procedure answer names the procedure, its code and its portal URL,
 * and never states a fee or time the record lacks.
 */
import type { Procedure } from "../catalogue/types.ts";
import { foldAccents } from "../text/normalize.ts";
import {
  LABELS,
  channelList,
  clip,
  fitList,
  formatFee,
  formatTime,
  isBlank,
  perChannel,
  type ListEntry,
} from "./format.ts";
import {
  renderTemplate,
  type TemplateName,
  type TemplateVars,
  type Templates,
} from "./templates.ts";
import type { Aspect, ProcedureRef } from "./types.ts";

export const DEFAULT_HOTLINE = "1022";
export const DEFAULT_PAKN_URL = "https://dichvucong.gov.vn/p/home/dvc-gop-y.html";
/** Target length of one answer. */
export const ANSWER_MAX_CHARS = 1200;

export interface ComposeContext {
  templates: Templates;
  hotline: string;
  paknUrl: string;
  maxChars?: number;
}

/** A whole template (greeting, handoff, not-found…) with the hotline and PAKN link filled in. */
export function composeMessage(name: TemplateName, ctx: ComposeContext, vars: TemplateVars = {}) {
  return renderTemplate(ctx.templates[name], {
    hotline: ctx.hotline,
    paknUrl: ctx.paknUrl,
    ...vars,
  });
}

function documentEntries(p: Procedure): ListEntry[] {
  const groups = new Set(p.documents.map((d) => d.group ?? ""));
  const seen = new Set<string>();
  const entries: ListEntry[] = [];
  let group: string | undefined;
  for (const d of p.documents) {
    const key = foldAccents(`${d.group ?? ""}|${d.name}`);
    if (seen.has(key) || isBlank(d.name)) continue;
    seen.add(key);
    if (groups.size > 1 && d.group !== group) {
      group = d.group;
      if (group) entries.push({ text: `${clip(group, 100)}:`, heading: true });
    }
    const qty = d.quantity && !isBlank(d.quantity) ? ` (${clip(d.quantity, 40)})` : "";
    entries.push({ text: `- ${clip(d.name, 180)}${qty}` });
  }
  return entries;
}

function stepEntries(p: Procedure): ListEntry[] {
  return p.steps
    .filter((s) => !isBlank(s))
    .map((s, i) => ({
      text: `${i + 1}. ${clip(s.replace(/^\s*bước\s*\d+\s*[:.)-]?\s*/i, ""), 220)}`,
    }));
}

function legalEntries(p: Procedure): ListEntry[] {
  return p.legalBasis
    .filter((l) => !isBlank(l.title) || !isBlank(l.number))
    .map((l) => {
      const title = clip(l.title, 160);
      const number = l.number.trim();
      const text = number && !title.includes(number) ? `${title} (${number})` : title || number;
      return { text: `- ${text}` };
    });
}

interface Body {
  template: TemplateName;
  vars: TemplateVars;
}

function aspectBody(
  p: Procedure,
  aspect: Aspect,
  ctx: ComposeContext,
  budget: number,
): Body | null {
  const unknown = ctx.templates.unknown.trim();
  const more = (what: string) => (count: number) => composeMessage("more", ctx, { count, what });
  const list = (entries: ListEntry[], what: string, maxItems: number) =>
    fitList(entries, { maxItems, maxChars: Math.max(200, budget - 60), more: more(what) });
  switch (aspect) {
    case "documents": {
      const entries = documentEntries(p);
      if (entries.length === 0) return null;
      const l = list(entries, LABELS.items.documents, 8);
      return { template: "documents", vars: { count: l.total, list: l.text } };
    }
    case "fee": {
      const fees = perChannel(p.methods, (m) => formatFee(m.fee), unknown);
      return fees === null ? null : { template: "fee", vars: { fees } };
    }
    case "time": {
      const times = perChannel(p.methods, (m) => formatTime(m.time), unknown);
      return times === null ? null : { template: "time", vars: { times } };
    }
    case "where": {
      const agencies = p.agencies.filter((a) => !isBlank(a));
      const unnamed = agencies.length === 0 && isBlank(p.address);
      // Without a named office, the level and the ways to submit still tell where to go.
      if (unnamed && (p.levels.length === 0 || p.methods.length === 0)) return null;
      return {
        template: "where",
        vars: {
          agencies: clip([...new Set(agencies)].join("; "), 300),
          address: isBlank(p.address) ? "" : clip(p.address, 300),
          levels: p.levels.join(", "),
          levelsOnly: unnamed ? p.levels.join(", ") : "",
          channels: p.methods.length ? channelList(p.methods) : "",
        },
      };
    }
    case "how": {
      if (p.methods.length === 0) return null;
      const details = p.methods
        .filter((m) => !isBlank(m.description))
        .slice(0, 3)
        .map((m) => `- ${LABELS.channel[m.channel]}: ${clip(m.description, 150)}`);
      return {
        template: "how",
        vars: { channels: channelList(p.methods), details: [...new Set(details)].join("\n") },
      };
    }
    case "steps": {
      const entries = stepEntries(p);
      if (entries.length === 0) return null;
      const l = list(entries, LABELS.items.steps, 6);
      return { template: "steps", vars: { count: l.total, list: l.text } };
    }
    case "legal": {
      const entries = legalEntries(p);
      if (entries.length === 0) return null;
      const l = list(entries, LABELS.items.legal, 5);
      return { template: "legal", vars: { count: l.total, list: l.text } };
    }
    case "conditions":
    case "result": {
      const text = aspect === "conditions" ? p.conditions : p.result;
      if (isBlank(text)) return null;
      const max = Math.max(150, budget - 80);
      const clipped = clip(text, max);
      const shown = clipped.endsWith("…")
        ? `${clipped} ${composeMessage("see-more", ctx)}`
        : clipped;
      return { template: aspect, vars: { [aspect]: shown } };
    }
    case "overview": {
      const agencies = p.agencies.filter((a) => !isBlank(a));
      const where = agencies.length
        ? clip([...new Set(agencies)].join("; "), 160)
        : isBlank(p.address)
          ? unknown
          : clip(p.address, 160);
      const docs = documentEntries(p).filter((e) => !e.heading).length;
      return {
        template: "overview",
        vars: {
          time: perChannel(p.methods, (m) => formatTime(m.time), unknown) ?? unknown,
          fee: perChannel(p.methods, (m) => formatFee(m.fee), unknown) ?? unknown,
          where,
          channels: p.methods.length ? channelList(p.methods) : unknown,
          documents: docs > 0 ? `${docs} ${LABELS.items.documents}` : unknown,
        },
      };
    }
  }
}

/** The answer about one aspect of one procedure: header, body (or "no information"), footer. */
export function composeProcedureAnswer(p: Procedure, aspect: Aspect, ctx: ComposeContext): string {
  const max = ctx.maxChars ?? ANSWER_MAX_CHARS;
  const header = composeMessage("header", ctx, {
    name: clip(p.name, 250),
    code: p.code,
    levels: p.levels.join(", "),
  });
  const footer = composeMessage("footer", ctx, { url: p.url });
  const budget = Math.max(250, max - header.length - footer.length - 4);
  const body = aspectBody(p, aspect, ctx, budget);
  const text = body
    ? composeMessage(body.template, ctx, body.vars)
    : composeMessage("missing", ctx, { what: LABELS.field[aspect] });
  return [header, text, footer].filter((s) => s.length > 0).join("\n\n");
}

/** "1. Đăng ký khai sinh – Cấp xã (mã 1.001193)" lines; levelsOnly drops the repeated name. */
export function choiceLines(choices: readonly ProcedureRef[], levelsOnly: boolean): string {
  return choices
    .map((c, i) => {
      const label = levelsOnly ? c.level || clip(c.name, 120) : clip(c.name, 160);
      const level = !levelsOnly && c.level ? ` – ${c.level}` : "";
      return `${i + 1}. ${label}${level} (mã ${c.code})`;
    })
    .join("\n");
}

/** The question back to the citizen when retrieval hesitates between a few procedures. */
export function composeAmbiguous(choices: readonly ProcedureRef[], ctx: ComposeContext): string {
  const first = choices[0];
  const sameName =
    first !== undefined &&
    choices.every((c) => foldAccents(c.name) === foldAccents(first.name)) &&
    new Set(choices.map((c) => c.level)).size === choices.length;
  return sameName
    ? composeMessage("ambiguous-levels", ctx, {
        name: clip(first.name, 200),
        choices: choiceLines(choices, true),
      })
    : composeMessage("ambiguous", ctx, {
        count: choices.length,
        choices: choiceLines(choices, false),
      });
}
