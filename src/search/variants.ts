import type { Procedure } from "../catalogue/index.ts";
import { foldAccents } from "../text/index.ts";
import { syllablesOfNormalized } from "../text/index.ts";

/**
 * The catalogue lists one procedure many times: at several levels ("… (thực hiện tại cấp tỉnh)")
 * and as variants of one act (cấp / cấp lại / cấp đổi / gia hạn …). These helpers let retrieval
 * treat level copies as one procedure and prefer the plain act when the question names no variant.
 */

/** Words that turn a procedure into a variant of it; a question without them means the plain act. */
export const VARIANT_WORDS = [
  "lại",
  "đổi",
  "gia hạn",
  "thu hồi",
  "hủy",
  "chấm dứt",
  "tạm ngừng",
  "điều chỉnh",
  "sửa đổi",
  "bổ sung",
  "xóa",
  "khôi phục",
  "trình báo mất",
  "chuyển đổi",
  "miễn nhiệm",
  "giải thể",
].map((w) => foldAccents(w));

/** Closest to the citizen first: the commune desk, then the province, then the ministry. */
const LEVEL_ORDER = ["cap xa", "cap tinh", "cap bo"];

const LEVEL_IN_NAME = /\((?:thuc hien )?(?:tai )?cap [^)]*\)|\bcap (?:trung uong|tw)\b\.?$/g;

/** The folded name without its level mark and "Thủ tục" prefix: equal for level copies. */
export function baseName(name: string): string {
  return foldAccents(name)
    .replace(LEVEL_IN_NAME, " ")
    .replace(/^thu tuc\s+/, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** 0 for the commune level … 3 when unknown; a level written in the name wins. */
export function levelRank(p: Procedure): number {
  const inName = /\(.*cap (trung uong|tw|bo)\b/.test(foldAccents(p.name))
    ? 2
    : /\(.*cap tinh\b/.test(foldAccents(p.name))
      ? 1
      : -1;
  if (inName >= 0) return inName;
  const ranks = p.levels.map((l) => LEVEL_ORDER.indexOf(foldAccents(l))).filter((r) => r >= 0);
  return ranks.length ? Math.min(...ranks) : 3;
}

/** Variant words of a name, as " word " patterns on its folded syllables. */
export function variantWordsOf(name: string): string[] {
  const text = ` ${syllablesOfNormalized(name).map(foldAccents).join(" ")} `;
  return VARIANT_WORDS.filter((w) => text.includes(` ${w} `));
}

/**
 * The act a name is a variant of: its baseName without variant words ("đăng ký lại khai tử" and
 * "thủ tục đăng ký khai tử" are one family). Level copies and variants share it.
 */
export function familyName(name: string): string {
  let text = ` ${baseName(name)} `;
  for (const w of VARIANT_WORDS) text = text.split(` ${w} `).join(" ");
  return text.replace(/\s+/g, " ").trim();
}
