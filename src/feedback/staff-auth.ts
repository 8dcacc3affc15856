/**
 * Staff bearer tokens. Configuration holds only their sha256 (hex) with a staff name; a presented
 * token is hashed and compared with every configured hash in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export interface StaffTokenHash {
  /** Who: recorded as `staff:<name>` in the case history. */
  name: string;
  /** sha256 of the token, 64 hex digits. */
  sha256: string;
}

export interface StaffAuth {
  /** The staff name for a valid token, else null. */
  verify(token: string): string | null;
  /** False when no token is configured: every staff request is refused. */
  readonly enabled: boolean;
}

export function createStaffAuth(tokens: readonly StaffTokenHash[]): StaffAuth {
  const entries = tokens.map((t) => ({ name: t.name, hash: Buffer.from(t.sha256, "hex") }));
  return {
    enabled: entries.length > 0,
    verify(token) {
      if (typeof token !== "string" || token.length === 0 || token.length > 512) return null;
      const presented = createHash("sha256").update(token, "utf8").digest();
      let found: string | null = null;
      // No early exit: the time does not depend on which entry matched.
      for (const e of entries) {
        if (e.hash.length === presented.length && timingSafeEqual(e.hash, presented))
          found ??= e.name;
      }
      return found;
    },
  };
}

/** A new random token and the line to put in STAFF_TOKEN_HASHES. */
export function newStaffToken(name: string): { token: string; sha256: string; entry: string } {
  const token = randomBytes(32).toString("base64url");
  const sha256 = createHash("sha256").update(token, "utf8").digest("hex");
  return { token, sha256, entry: `${name}:${sha256}` };
}
