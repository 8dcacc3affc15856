/**
 * Which cases a staff member may see and change. A staff token carries a scope: `*` (hotline,
 * admin: every case, also unassigned ones) or one agency, named by its code in data/agencies.json
 * ("STP") or by its name ("Sở Tư pháp"). A case belongs to the agency when its `agency` field is
 * that agency's code or name, compared the way the reminders compare them (NFC, trimmed,
 * case-insensitive). An agency official never sees unassigned cases nor another agency's.
 */
/** `*` or an agency code / name. */
export type ScopeSpec = string;

export const ALL_AGENCIES: ScopeSpec = "*";

/** An entry of the agencies directory (data/agencies.json). */
export interface AgencyRef {
  code: string;
  name: string;
}

export interface CaseScope {
  /** The spec it was made from: "*" or what the token names. */
  readonly spec: ScopeSpec;
  /** Every case, unassigned ones included. */
  readonly all: boolean;
  /** The agency's display name ("Sở Tư pháp"), or null for `*`. */
  readonly agencyName: string | null;
  /** The agency's code when the directory knows it. */
  readonly agencyCode: string | null;
  covers(agency: string | null): boolean;
  /** The `agency` values stored on cases that this scope covers (for SQL `IN`); null = all. */
  agencyValues(): Promise<string[] | null>;
}

export const foldAgency = (s: string): string => s.normalize("NFC").trim().toLocaleLowerCase("vi");

export interface ScopeResolver {
  resolve(spec: ScopeSpec | undefined): CaseScope;
  /** Every agency the desk can offer (directory names first, then other values on cases). */
  knownAgencies(): Promise<string[]>;
}

export interface ScopeResolverOptions {
  /** The agencies directory (data/agencies.json). */
  directory: readonly AgencyRef[];
  /** Every agency value on a case (the PAKN store's `agencies`), read when a scope needs them. */
  agencies: () => Promise<string[]>;
}

/** Every agency value on a case. */
export const DISTINCT_AGENCIES_SQL = `SELECT DISTINCT agency FROM feedback_cases
   WHERE agency IS NOT NULL ORDER BY agency`;

export function createScopeResolver(options: ScopeResolverOptions): ScopeResolver {
  const { directory, agencies } = options;
  const byKey = new Map<string, AgencyRef>();
  for (const a of directory) {
    byKey.set(foldAgency(a.code), a);
    byKey.set(foldAgency(a.name), a);
  }

  const everything: CaseScope = {
    spec: ALL_AGENCIES,
    all: true,
    agencyName: null,
    agencyCode: null,
    covers: () => true,
    agencyValues: async () => null,
  };

  return {
    resolve(spec) {
      if (spec === undefined || spec.trim() === ALL_AGENCIES) return everything;
      const known = byKey.get(foldAgency(spec));
      const keys = new Set(known ? [foldAgency(known.code), foldAgency(known.name)] : []);
      keys.add(foldAgency(spec));
      const covers = (agency: string | null) => agency !== null && keys.has(foldAgency(agency));
      return {
        spec,
        all: false,
        agencyName: known?.name ?? spec.trim(),
        agencyCode: known?.code ?? null,
        covers,
        agencyValues: async () => (await agencies()).filter(covers),
      };
    },
    async knownAgencies() {
      const names = directory.map((a) => a.name);
      const seen = new Set([...names, ...directory.map((a) => a.code)].map(foldAgency));
      for (const agency of await agencies()) {
        if (!seen.has(foldAgency(agency))) {
          seen.add(foldAgency(agency));
          names.push(agency);
        }
      }
      return names;
    },
  };
}
