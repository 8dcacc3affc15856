/**
 * Short Vietnamese answers from the structured fields of one procedure, through the templates
 * in prompts/answers/. Every procedure answer names the procedure, its code and its portal URL,
 * and never states a fee or time the record lacks.
 */
import { statesDuration, type Procedure } from "../catalogue/index.ts";
import { foldAccents } from "../text/index.ts";
import { formatFee } from "./fees.ts";
import {
  LABELS,
  channelList,
  clip,
  fitList,
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
  /** Today in Vietnam (YYYY-MM-DD): which fee reductions still apply. */
  today: () => string;
}

/** A whole template (greeting, handoff, not-found…) with the hotline and PAKN link filled in. */
export function composeMessage(name: TemplateName, ctx: ComposeContext, vars: TemplateVars = {}) {
  return renderTemplate(ctx.templates[name], {
    hotline: ctx.hotline,
    paknUrl: ctx.paknUrl,
    ...vars,
  });
}

/** "Thành phần hồ sơ", "a) Thành phần hồ sơ gồm": a heading that says nothing of its own. */
function genericHeading(group: string): boolean {
  const f = foldAccents(group)
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
  return /^(?:[a-z0-9] )?(?:thanh phan )?ho so(?: gom| bao gom)?(?: [a-z]+){0,2}$/.test(f);
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
    // One group's heading is shown only when it says something ("Văn bản chấp thuận … gồm
    // các nội dung sau", "Trường hợp …"): its items may be contents, not documents.
    const shown = groups.size > 1 || (d.group !== undefined && !genericHeading(d.group));
    if (shown && d.group !== group) {
      group = d.group;
      if (group) entries.push({ text: `${clip(group, 140)}:`, heading: true });
    }
    const qty = d.quantity ? quantityText(d.quantity) : "";
    entries.push({ text: `- ${clip(d.name, 180)}${qty}` });
  }
  return entries;
}

/**
 * " (1 bản chính, 1 bản sao)", " (1 bản sao)" from "0 bản chính, 1 bản sao" or "Bản chính: 0 -
 * Bản sao: 1"; "" when nothing is counted.
 */
function quantityText(quantity: string): string {
  if (isBlank(quantity)) return "";
  const m =
    /(\d+)\s*bản chính(?:\D+(\d+)\s*bản sao)?|bản chính:\s*(\d+)\s*-\s*bản sao:\s*(\d+)/iu.exec(
      quantity,
    );
  if (!m) return /^\s*0+\s*$/u.test(quantity) ? "" : ` (${clip(quantity, 40)})`;
  const originals = Number(m[1] ?? m[3] ?? 0);
  const copies = Number(m[2] ?? m[4] ?? 0);
  const parts = [
    originals > 0 ? `${originals} ${LABELS.original}` : "",
    copies > 0 ? `${copies} ${LABELS.copy}` : "",
  ].filter((x) => x !== "");
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/** Distinct documents: the same paper asked in two cases counts once. */
function documentCount(p: Procedure): number {
  return new Set(p.documents.filter((d) => !isBlank(d.name)).map((d) => foldAccents(d.name))).size;
}

/**
 * Durations the method descriptions state when no time cell gives one (per step or per case,
 * with no total): shown as the portal wrote them.
 */
function statedTimes(p: Procedure): string | null {
  const text = [...new Set(p.methods.map((m) => m.description.trim()))].find(statesDuration);
  return text ? clip(text, 300) : null;
}

/** Times per stage ("Giai đoạn 1: 2 ngày làm việc; Giai đoạn 2: 3 ngày làm việc") or per channel. */
function timeText(p: Procedure, unknown: string): string | null {
  const stages = [...new Set(p.methods.map((m) => m.stage ?? 0))];
  if (stages.length > 1) {
    const parts = stages.map((s) => {
      const rows = p.methods.filter((m) => (m.stage ?? 0) === s);
      return `${LABELS.stage} ${s}: ${perChannel(rows, (m) => formatTime(m.time), unknown) ?? unknown}`;
    });
    return parts.join("; ");
  }
  return perChannel(p.methods, (m) => formatTime(m.time), unknown);
}

/** One short line on how to submit: online through the link below, by post, in person where. */
function submitLine(p: Procedure, ctx: ComposeContext): string {
  const channels = new Set(p.methods.map((m) => m.channel));
  if (channels.size === 0) return "";
  const agency = p.agencies.find((a) => !isBlank(a));
  const ways = [
    channels.has("online") ? LABELS.submit.online : "",
    channels.has("post") ? LABELS.submit.post : "",
    channels.has("in_person")
      ? agency
        ? `${LABELS.submit.inPersonAt} ${clip(agency, 100)}`
        : LABELS.submit.inPerson
      : "",
  ].filter((w) => w !== "");
  const last = ways.pop() ?? "";
  const list = ways.length > 0 ? `${ways.join(", ")} ${LABELS.or} ${last}` : last;
  return composeMessage("submit", ctx, { ways: list });
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
      if (entries.length === 0) {
        // No documents, only what the portal notes ("Do UBND tỉnh quy định", "không quy định").
        const notes = p.documentNotes.filter((n) => !isBlank(n)).slice(0, 3);
        if (notes.length === 0) return null;
        const text = notes.map((n) => `- ${clip(n, 200)}`).join("\n");
        return { template: "documents-notes", vars: { list: text } };
      }
      const l = list(entries, LABELS.items.documents, 8);
      return { template: "documents", vars: { count: documentCount(p), list: l.text } };
    }
    case "fee": {
      const today = ctx.today();
      const fees = perChannel(p.methods, (m) => formatFee(m.fee, today), unknown);
      return fees === null ? null : { template: "fee", vars: { fees } };
    }
    case "time": {
      const times = timeText(p, unknown);
      if (times !== null) return { template: "time", vars: { times } };
      const stated = statedTimes(p);
      return stated === null ? null : { template: "time-stated", vars: { text: stated } };
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
          time: timeText(p, unknown) ?? unknown,
          fee: perChannel(p.methods, (m) => formatFee(m.fee, ctx.today()), unknown) ?? unknown,
          where,
          channels: p.methods.length ? channelList(p.methods) : unknown,
          documents: docs > 0 ? `${docs} ${LABELS.items.documents}` : unknown,
        },
      };
    }
  }
}

const SUBMIT_ASPECTS: ReadonlySet<Aspect> = new Set(["documents", "fee", "time"]);

/** The answer about one aspect of one procedure: header, body (or "no information"), footer. */
export function composeProcedureAnswer(p: Procedure, aspect: Aspect, ctx: ComposeContext): string {
  const max = ctx.maxChars ?? ANSWER_MAX_CHARS;
  const header = composeMessage("header", ctx, {
    name: clip(p.name, 250),
    code: p.code,
    levels: p.levels.join(", "),
  });
  const footer = composeMessage("footer", ctx, { url: p.url });
  // Documents, fee and time answers end with how to submit, in one short line.
  const submit = SUBMIT_ASPECTS.has(aspect) ? submitLine(p, ctx) : "";
  const budget = Math.max(250, max - header.length - footer.length - submit.length - 6);
  const body = aspectBody(p, aspect, ctx, budget);
  const text = body
    ? composeMessage(body.template, ctx, body.vars)
    : composeMessage("missing", ctx, { what: LABELS.field[aspect] });
  return [header, text, submit, footer].filter((s) => s.length > 0).join("\n\n");
}

/**
 * "1. Đăng ký khai sinh – Cấp xã (mã 1.001193)" lines; levelsOnly drops the repeated name and,
 * when two choices share a level, names the agency too ("Cấp tỉnh – Sở Xây dựng").
 */
export function choiceLines(choices: readonly ProcedureRef[], levelsOnly: boolean): string {
  const levels = choices.map((c) => c.level);
  return choices
    .map((c, i) => {
      const shared = levels.filter((l) => l === c.level).length > 1;
      const where =
        shared && c.agency ? `${c.level ? `${c.level} – ` : ""}${clip(c.agency, 100)}` : c.level;
      const label = levelsOnly ? where || clip(c.name, 120) : clip(c.name, 160);
      const level = !levelsOnly && c.level ? ` – ${c.level}` : "";
      return `${i + 1}. ${label}${level} (mã ${c.code})`;
    })
    .join("\n");
}

/** The question back to the citizen when retrieval hesitates between a few procedures. */
export function composeAmbiguous(choices: readonly ProcedureRef[], ctx: ComposeContext): string {
  const first = choices[0];
  const sameName =
    first !== undefined && choices.every((c) => foldAccents(c.name) === foldAccents(first.name));
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
