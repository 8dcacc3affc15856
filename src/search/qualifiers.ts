/**
 * Special variants of a procedure lose against the plain one unless the question asks for them
 * (data/qualifiers.json): "Đăng ký kết hôn có yếu tố nước ngoài" is the answer to "lấy chồng
 * người Hàn Quốc", not to "đăng ký kết hôn". Ages written in the question choose between the
 * age variants ("15 tuổi" → "từ đủ 14 tuổi trở lên", not "dưới 14 tuổi").
 */
import { z } from "zod";
import type { Procedure } from "../catalogue/index.ts";
import { foldAccents } from "../text/index.ts";
import { syllablesOfNormalized } from "../text/index.ts";
import { loadRuleFile } from "../rule-file.ts";
import { containsPhrase, toPhrase, type Phrase } from "../text/index.ts";

export const DEFAULT_QUALIFIERS_FILE = new URL("../../data/qualifiers.json", import.meta.url);

/** Penalty of an age variant whose range excludes the age asked; bonus when it includes it. */
const AGE_MISMATCH = 0.3;
const AGE_MATCH = 0.1;

const qualifiersSchema = z.object({
  countries: z.array(z.string().min(1)),
  groups: z.array(
    z.object({
      id: z.string(),
      name: z.array(z.string().min(1)).min(1),
      signals: z.array(z.string().min(1)).min(1),
      penalty: z.number().min(0).max(1),
      bonus: z.number().min(0).max(1),
    }),
  ),
});
export type QualifierRules = z.infer<typeof qualifiersSchema>;

export function loadQualifierRules(file: string | URL = DEFAULT_QUALIFIERS_FILE): QualifierRules {
  return loadRuleFile(file, qualifiersSchema);
}

/** A question's adjustment of each procedure's score (by catalogue row); 0 for most. */
export type Adjust = (row: number) => number;

export interface Qualifiers {
  /** `typed`: the question's lower-case syllables. */
  forQuestion(typed: readonly string[]): Adjust;
}

interface AgeRange {
  min: number;
  max: number;
}

/** The age range a name is for ("dưới 14 tuổi", "từ đủ 14 tuổi trở lên", "từ 6 đến dưới 14 tuổi"). */
export function ageRangeOf(name: string): AgeRange | null {
  const f = foldAccents(name);
  const between = /tu (?:du )?(\d{1,3}) (?:tuoi )?den (duoi |het )?(\d{1,3}) tuoi/.exec(f);
  if (between) {
    const top = Number(between[3]);
    return { min: Number(between[1]), max: between[2] === "duoi " ? top - 1 : top };
  }
  const under = /\bduoi (\d{1,3}) tuoi/.exec(f);
  if (under) return { min: 0, max: Number(under[1]) - 1 };
  const over = /\b(?:tu du|du|tu|tren) (\d{1,3}) tuoi(?: tro len)?/.exec(f);
  if (over) return { min: Number(over[1]) + (/tren \d/.test(over[0]) ? 1 : 0), max: Infinity };
  return null;
}

/** The age written in a question ("15 tuổi", "con 3 tháng tuổi" → 0), or null. */
export function ageAsked(typed: readonly string[]): number | null {
  for (let i = 1; i < typed.length; i++) {
    if (foldAccents(typed[i]!) !== "tuoi") continue;
    const prev = foldAccents(typed[i - 1]!);
    if (/^\d{1,3}$/.test(prev)) return Number(prev);
    if ((prev === "thang" || prev === "ngay") && /^\d{1,3}$/.test(typed[i - 2] ?? "")) return 0;
  }
  return null;
}

export function createQualifiers(
  catalogue: readonly Procedure[],
  rules: QualifierRules = loadQualifierRules(),
): Qualifiers {
  const groups = rules.groups.map((g) => ({
    ...g,
    name: g.name.map(toPhrase),
    signals: g.signals
      .flatMap((s) =>
        s.includes("{country}") ? rules.countries.map((c) => s.replace("{country}", c)) : [s],
      )
      .map(toPhrase),
  }));
  const members = membersOf(catalogue, groups);
  const ages = new Map<number, AgeRange>();
  catalogue.forEach((p, row) => {
    const range = ageRangeOf(p.name);
    if (range) ages.set(row, range);
  });

  return {
    forQuestion(typed) {
      const asked = groups.map((g) => containsPhrase(typed, g.signals as Phrase[]));
      const age = ageAsked(typed);
      return (row) => {
        let delta = 0;
        groups.forEach((g, i) => {
          if (members[i]!.has(row)) delta += asked[i] ? g.bonus : -g.penalty;
        });
        const range = age === null ? undefined : ages.get(row);
        if (range && age !== null) {
          delta += age >= range.min && age <= range.max ? AGE_MATCH : -AGE_MISMATCH;
        }
        return delta;
      };
    },
  };
}

/**
 * Rows of the catalogue whose name holds one of each group's phrases. In a function of its own so
 * that the names' syllables are not kept by the closures that use the rows.
 */
function membersOf(
  catalogue: readonly Procedure[],
  groups: ReadonlyArray<{ name: Phrase[] }>,
): Array<Set<number>> {
  const names = catalogue.map((p) => syllablesOfNormalized(p.name));
  return groups.map((g) => {
    const rows = new Set<number>();
    names.forEach((words, row) => {
      if (containsPhrase(words, g.name)) rows.add(row);
    });
    return rows;
  });
}
