/**
 * Staff bearer tokens. Configuration holds only their sha256 (hex) with a staff name and, since
 * the officials' desk, an optional scope: `*` (hotline, admin: every case) or one agency's code or
 * name (src/feedback/scope.ts). A token without a scope keeps its old meaning, `*`. A presented
 * token is hashed and compared with every configured hash in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** An agency code ("STP", "X-UBND") as a scope; `*` is every agency. */
export const STAFF_SCOPE = /^(\*|[A-Z0-9][A-Z0-9-]{0,19})$/;

export interface StaffTokenHash {
  /** Who: recorded as `staff:<name>` in the case history. */
  name: string;
  /** sha256 of the token, 64 hex digits. */
  sha256: string;
  /** Which cases: `*` (the default when absent) or an agency code. */
  scope?: string;
}

export interface StaffIdentity {
  name: string;
  /** `*` or an agency code. */
  scope: string;
}

export interface StaffAuth {
  /** The staff name for a valid token, else null. */
  verify(token: string): string | null;
  /** Name and scope for a valid token, else null. */
  identify(token: string): StaffIdentity | null;
  /** The scope of a staff name (names are unique); `*` for an unscoped token; null if unknown. */
  scopeOf(name: string): string | null;
  /** False when no token is configured: every staff request is refused. */
  readonly enabled: boolean;
}

export function createStaffAuth(tokens: readonly StaffTokenHash[]): StaffAuth {
  const entries = tokens.map((t) => ({
    name: t.name,
    scope: t.scope ?? "*",
    hash: Buffer.from(t.sha256, "hex"),
  }));
  const scopes = new Map(entries.map((e) => [e.name, e.scope]));
  const identify = (token: string): StaffIdentity | null => {
    if (typeof token !== "string" || token.length === 0 || token.length > 512) return null;
    const presented = createHash("sha256").update(token, "utf8").digest();
    let found: StaffIdentity | null = null;
    // No early exit: the time does not depend on which entry matched.
    for (const e of entries) {
      if (e.hash.length === presented.length && timingSafeEqual(e.hash, presented))
        found ??= { name: e.name, scope: e.scope };
    }
    return found;
  };
  return {
    enabled: entries.length > 0,
    identify,
    verify: (token) => identify(token)?.name ?? null,
    scopeOf: (name) => scopes.get(name) ?? null,
  };
}

/** A new random token and the line to put in STAFF_TOKEN_HASHES (`name:sha256[:scope]`). */
export function newStaffToken(
  name: string,
  scope?: string,
): { token: string; sha256: string; entry: string } {
  const token = randomBytes(32).toString("base64url");
  const sha256 = createHash("sha256").update(token, "utf8").digest("hex");
  const suffix = scope === undefined || scope === "*" ? "" : `:${scope}`;
  return { token, sha256, entry: `${name}:${sha256}${suffix}` };
}
