import { cleanCell, splitTopLevelCommas } from "./cells.ts";

/**
 * Splits a comma list of names, keeping commas that belong to one name: commas in brackets
 * ("Tổ chức (không bao gồm doanh nghiệp, HTX)") and commas followed by a lower-case word
 * ("Cán bộ, công chức, viên chức", "Sở Tài chính các tỉnh, thành phố").
 */
export function splitNames(raw: string): string[] {
  const text = cleanCell(raw);
  if (text === "") return [];
  const names: string[] = [];
  for (const part of splitTopLevelCommas(text)) {
    const previous = names.at(-1);
    if (previous !== undefined && /^\p{Ll}/u.test(part))
      names[names.length - 1] = `${previous}, ${part}`;
    else names.push(part);
  }
  return names
    .map((n) => n.replace(/[.;]+$/u, "").trim())
    .filter((n) => n !== "" && cleanCell(n) !== "");
}

/** "Cấp bộ, Cấp tỉnh" / "Cấp Bộ, Cấp Xã" → ["Cấp bộ", "Cấp tỉnh"] (one spelling for both sources). */
export function parseLevels(raw: string): string[] {
  return unique(
    splitNames(raw).map((level) =>
      level.replace(/^Cấp\s+(.+)$/iu, (_, rest: string) => `Cấp ${rest.toLowerCase()}`),
    ),
  );
}

/** "Công dân Việt Nam, Tổ chức (không bao gồm doanh nghiệp, HTX)" → two audiences. */
export function parseAudience(raw: string): string[] {
  return unique(splitNames(raw));
}

/** Agencies from several fields, each split into names, duplicates (ignoring case) dropped. */
export function parseAgencies(...fields: string[]): string[] {
  return unique(fields.flatMap(splitNames));
}

function unique(items: string[]): string[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = item.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
