import { normalizeText } from "../text/index.ts";
import type { SubmissionMethod } from "./types.ts";
import { NO_INFO, bracketEnd, cleanCell } from "./cells.ts";
import { detectStages } from "./method-stages.ts";
import { notRegulatedFeeLine, parseFee } from "./parse-fee.ts";
import {
  UNIT_PATTERN,
  parseTimeCell,
  resolveUnitless,
  timeFromDescription,
  type MethodTime,
} from "./parse-time.ts";

export type Channel = SubmissionMethod["channel"];

/** One row of the portal's "Cách thức thực hiện" table, cells as text. */
export interface MethodCells {
  channel: Channel;
  time: string;
  fee: string;
  description: string;
  /**
   * True when the time's digits ran into the fee's with more than one possible split
   * ("Trực tuyến1250 VNĐ": 1 + 250, 12 + 50, …): the fee amount is then not clearly stated.
   */
  feeAmountUncertain?: boolean;
}

const TABLE_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả";
const CHANNELS: ReadonlyArray<[string, Channel]> = [
  ["Trực tuyến", "online"],
  ["Dịch vụ bưu chính", "post"],
  ["Trực tiếp", "in_person"],
];
const LABEL = /Trực tuyến|Dịch vụ bưu chính|Trực tiếp/gu;
/** Start of a fee cell: "Miễn phí", "Không có thông tin", "2,000,000 Việt Nam Đồng", "100 USD". */
const FEE_HEAD =
  /^(?:Miễn phí|Không có thông tin|(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:\.\d+)?\s?(?:Việt Nam Đồng|VNĐ|VND|Đồng|đồng|USD))/u;
const TIME_WITH_UNIT = new RegExp(String.raw`^\d+(?:[.,]\d+)?\s?(?:${UNIT_PATTERN})`, "iu");
/** A time cell written as words ("Không phải trả kết quả cho người nộp thuế"), up to the fee. */
const TIME_AS_WORDS =
  /^\p{Lu}[^\n]{0,150}?(?=Miễn phí|Không có thông tin|[1-9][\d,]*\s?(?:Việt Nam Đồng|VNĐ))/u;

/** "Trực tuyến" → "online"; also "Nộp trực tiếp", "Qua dịch vụ bưu chính" and the like. */
export function channelOf(label: string): Channel | null {
  const lower = normalizeText(label).toLowerCase();
  if (lower.includes("bưu chính") || lower.includes("bưu điện")) return "post";
  if (lower.includes("trực tuyến") || lower.includes("điện tử")) return "online";
  if (lower.includes("trực tiếp")) return "in_person";
  return null;
}

/**
 * Reads the time cell right after a channel label at `pos`. Returns where the time cell ends, or
 * null when what follows is not a table row (the label is then just a word in a description).
 */
function readTimeCell(
  s: string,
  pos: number,
): { time: string; end: number; feeAmountUncertain?: boolean } | null {
  const rest = s.slice(pos);
  if (rest.startsWith(NO_INFO)) return { time: NO_INFO, end: pos + NO_INFO.length };
  const withUnit = TIME_WITH_UNIT.exec(rest);
  if (withUnit) return { time: withUnit[0], end: pos + withUnit[0].length };
  const digits = /^\d+/.exec(rest)?.[0];
  if (digits) {
    // The unit was lost, so the time's digits run straight into the fee ("Trực tuyến120 VNĐ").
    // Take the shortest number after which a fee cell starts: portal times without a unit are
    // small ("1", "5") while the fee keeps its currency word.
    const splits: string[] = [];
    for (let k = 1; k <= digits.length; k++) {
      let time = digits.slice(0, k);
      if (k === digits.length) {
        const frac = /^[.,]\d+/.exec(rest.slice(k))?.[0];
        if (frac && FEE_HEAD.test(rest.slice(k + frac.length))) time += frac;
      }
      if (FEE_HEAD.test(rest.slice(time.length))) splits.push(time);
    }
    const time = splits[0];
    if (time === undefined) return null;
    const uncertain = splits.length > 1 && /^\d/.test(rest.slice(time.length));
    return { time, end: pos + time.length, ...(uncertain ? { feeAmountUncertain: true } : {}) };
  }
  const words = TIME_AS_WORDS.exec(rest);
  if (words && !/Trực tuyến|Dịch vụ bưu chính|Trực tiếp/u.test(words[0])) {
    return { time: words[0], end: pos + words[0].length };
  }
  return null;
}

/**
 * End of the fee note that opens at `start`. A note whose brackets the portal left unclosed
 * ("10,000,000 VNĐ (đồng (Miễn phí kể từ ngày 07/4/2026 đến 30/6/2026 …)30 ngày kể từ …") ends
 * at the first ")" glued to the next cell (a letter, digit or list item right after it), not
 * at the end of the row, so the description stays the description.
 */
function noteEnd(segment: string, start: number): number {
  const end = bracketEnd(segment, start);
  if (end < segment.length || segment.endsWith(")")) return end;
  const glued = /\)(?=[\p{L}\d]|[-+*•]\s)/gu;
  glued.lastIndex = start;
  const m = glued.exec(segment);
  return m ? m.index + 1 : end;
}

/** Splits the text after the time cell into the fee cell (head + bracketed note) and description. */
function splitFeeAndDescription(segment: string): { fee: string; description: string } {
  const head = FEE_HEAD.exec(segment)?.[0];
  if (!head) return { fee: "", description: segment };
  let end = head.length;
  while (segment[end] === " ") end++;
  if (segment[end] === "(") end = noteEnd(segment, end);
  const note = segment.slice(head.length, end).trim();
  const fee = head === NO_INFO ? note : `${head}${note ? ` ${note}` : ""}`;
  return { fee, description: segment.slice(end) };
}

/**
 * Splits the flattened table "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến7 Ngày làm
 * việcMiễn phí(…)- Nộp hồ sơ …Dịch vụ bưu chính…" into rows. A channel label starts a row only
 * when a time cell follows it; labels inside descriptions ("Trực tuyến qua Cổng …") do not.
 */
export function splitMethodCells(raw: string): MethodCells[] {
  let s = normalizeText(raw);
  if (s.startsWith(TABLE_HEADER)) s = s.slice(TABLE_HEADER.length);
  const rows: Array<{
    start: number;
    channel: Channel;
    time: string;
    end: number;
    feeAmountUncertain?: boolean;
  }> = [];
  for (const m of s.matchAll(LABEL)) {
    const last = rows.at(-1);
    if (last && m.index < last.end) continue;
    if (!last && m.index !== 0) continue;
    const channel = CHANNELS.find(([label]) => label === m[0])?.[1];
    const cell = readTimeCell(s, m.index + m[0].length);
    if (channel && cell) rows.push({ start: m.index, channel, ...cell });
    else if (!last) return [];
  }
  return rows.map((row, i) => {
    const segment = s.slice(row.end, rows[i + 1]?.start ?? s.length);
    const { fee, description } = splitFeeAndDescription(segment);
    const cells: MethodCells = { channel: row.channel, time: row.time, fee, description };
    if (row.feeAmountUncertain) cells.feeAmountUncertain = true;
    return cells;
  });
}

/**
 * Lines of a description that state the fee ("- Lệ phí : 20.000 Đồng (…)", "Phí, lệ phí (nếu
 * có): …"); used only when the fee cell itself is empty.
 */
function feeLines(description: string): string {
  return description
    .split("\n")
    .filter((line) => /^\s*[-+*]?\s*(?:Mức\s+)?(?:Lệ phí|Phí)[^:\n]{0,60}:/iu.test(line))
    .join("\n");
}

/**
 * The time of a row whose time cell says nothing ("", "Không có thông tin"): the sentence of its
 * description that states it (see timeFromDescription).
 */
function timeOfRow(row: MethodCells, resolved: MethodTime | null): MethodTime | null {
  if (resolved) return resolved;
  return cleanCell(row.time) === "" ? timeFromDescription(cleanCell(row.description)) : null;
}

/**
 * Builds SubmissionMethods from table rows (flattened or already split into cells). `context` is
 * more text of the same procedure (its steps) used to find the unit of a unitless time.
 */
export function buildMethods(rows: readonly MethodCells[], context = ""): SubmissionMethod[] {
  const cells = rows.map((r) => parseTimeCell(r.time));
  const evidence = [...rows.map((r) => r.description), context].join("\n");
  const resolved = resolveUnitless(cells, normalizeText(evidence));
  const times = rows.map((row, i) => timeOfRow(row, resolved[i] ?? null));
  const stages = detectStages(
    rows.map((row, i) => ({
      channel: row.channel,
      description: cleanCell(row.description),
      time: times[i] ?? null,
    })),
  );
  return rows.map((row, i) => {
    const description = cleanCell(row.description);
    // When the time's digits ran into the fee's, the head amount is not clearly stated; the
    // note's own amounts still are.
    const fee =
      parseFee(row.fee, { headUncertain: row.feeAmountUncertain === true }) ??
      parseFee(feeLines(description)) ??
      notRegulatedFeeLine(description);
    const method: SubmissionMethod = {
      channel: row.channel,
      time: times[i] ?? null,
      fee,
      description,
    };
    const stage = stages?.[i];
    if (stage !== undefined) method.stage = stage;
    return method;
  });
}

/** Parses the flattened "cach_thuc_thuc_hien" field. Malformed or empty input gives []. */
export function parseMethods(raw: string, context = ""): SubmissionMethod[] {
  return buildMethods(splitMethodCells(raw), context);
}
