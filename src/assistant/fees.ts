/**
 * A fee as a citizen can act on it: "Miễn phí" only when nothing is charged, the note that says
 * what is charged when the head is a bare or cut figure, reductions that still apply with their
 * end date (ended ones left out), and money written one way ("135.000 đồng").
 */
import type { SubmissionMethod } from "../catalogue/index.ts";
import { foldAccents } from "../text/index.ts";
import { clip, isBlank } from "./format.ts";

type Fee = NonNullable<SubmissionMethod["fee"]>;

export const FEE_LABELS = {
  free: "Miễn phí",
  notRegulated: "Không quy định phí, lệ phí",
  currency: "đồng",
  reduction: "Đang áp dụng",
} as const;

/** Longest fee shown per channel; longer notes end with "…" and the portal link is below. */
export const FEE_MAX_CHARS = 420;

/** "4.000.000", from "4,000,000", "4.000.000" or "4000000". */
function grouped(digits: string): string {
  const n = Number(digits.replace(/[.,]/g, ""));
  return Number.isFinite(n) ? new Intl.NumberFormat("vi-VN").format(n) : digits;
}

const MONEY =
  /(?<![\d.,])(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:việt nam đồng|vnđ|vnd|đồng|đ(?![\p{L}]))/giu;

/** Money written one way: "2,000,000 Việt Nam Đồng", "70,000 VNĐ", "400.000đ" → "… đồng". */
export function normalizeMoney(text: string): string {
  return text.replace(MONEY, (_, digits: string) => `${grouped(digits)} ${FEE_LABELS.currency}`);
}

/** The head the portal shows and its bracketed note: "50,000 VNĐ (Lệ phí …)". */
function splitNote(text: string): { head: string; note: string } {
  const open = text.indexOf("(");
  if (open < 0) return { head: text.trim(), note: "" };
  // The portal sometimes leaves the note unclosed, or doubles its brackets: "((…))".
  let note = text.slice(open + 1).trim();
  if (note.endsWith(")")) note = note.slice(0, -1).trim();
  while (note.startsWith("(")) {
    note = note.slice(1).trim();
    if (note.endsWith(")")) note = note.slice(0, -1).trim();
  }
  return { head: text.slice(0, open).trim(), note };
}

/** A note that adds nothing: "Không", "Không có", "Miễn phí", "0 đồng". */
function emptyNote(note: string): boolean {
  const f = foldAccents(note)
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
  return isBlank(note) || /^(?:khong|khong co|mien phi|mien le phi|0 dong|khong dong)$/.test(f);
}

/** Reductions in force on `today` (ISO date), as the portal states them. */
function currentReductions(fee: Fee, today: string): string[] {
  return (fee.reductions ?? [])
    .filter((r) => r.until >= today && (r.from === undefined || r.from <= today))
    .map((r) => r.text.trim());
}

/** The note without the sentences of reductions that have ended (or not begun). */
function withoutStale(note: string, fee: Fee, today: string): string {
  let out = note;
  for (const r of fee.reductions ?? []) {
    if (r.until >= today && (r.from === undefined || r.from <= today)) continue;
    out = out.replace(r.text.trim(), "");
  }
  return out
    .replace(/\s*[-–]\s*(?=[-–]|$)/gu, " ")
    .replace(/\s{2,}/g, " ")
    .replace(/^[\s.;,–-]+|[\s;,–-]+$/gu, "")
    .trim();
}

/** One channel's fee, or null when the record says nothing usable. */
export function formatFee(fee: Fee | null, today: string): string | null {
  if (!fee) return null;
  if (fee.notRegulated) return FEE_LABELS.notRegulated;
  const { head, note: raw } = splitNote(fee.text);
  const bare = raw.replace(/^(?:việt nam )?đồng\s*(?=\()/iu, "").replace(/^\(+|\)+$/gu, "");
  const note = emptyNote(bare) ? "" : normalizeMoney(withoutStale(bare, fee, today));
  const current = currentReductions(fee, today);
  let text: string;
  if (note === "") {
    if (fee.free) return FEE_LABELS.free;
    if (isBlank(head)) return null;
    text = normalizeMoney(head);
  } else if (fee.free) {
    // `free` already says the note states no amount (src/catalogue/parse-fee.ts).
    // "Miễn phí (Miễn lệ phí. Phí cấp bản sao … theo Thông tư 281/2016/TT-BTC)".
    text = /^miễn/iu.test(note) ? note : `${FEE_LABELS.free}. ${note}`;
  } else {
    // The note states what is charged; the head is a summary figure, sometimes cut
    // ("100 VNĐ (100.000 đồng/lần)") or a "Miễn phí" the note contradicts.
    text = note;
  }
  if (text.length <= FEE_MAX_CHARS || current.length === 0) return clip(text, FEE_MAX_CHARS);
  // Too long to show whole: the standard level first, then the reduction in force, whole.
  const reductions = current.map(normalizeMoney);
  let base = text;
  for (const r of reductions) base = base.replace(r, "");
  const tail = `${FEE_LABELS.reduction}: ${clip(reductions.join(" "), 240)}`;
  return `${clip(base, Math.max(120, FEE_MAX_CHARS - tail.length))} ${tail}`;
}
