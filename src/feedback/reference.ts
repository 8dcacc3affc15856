/** Case references (PAKN-2026-000123) and citizen tokens (random, stored only as sha256). */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const REF_PATTERN = /^PAKN-(\d{4})-(\d{6,9})$/;

export function formatRef(year: number, sequence: number): string {
  return `PAKN-${year}-${String(sequence).padStart(6, "0")}`;
}

export function isRef(value: string): boolean {
  return REF_PATTERN.test(value);
}

/** 192 random bits, URL-safe: 32 characters. */
export function newCitizenToken(): string {
  return randomBytes(24).toString("base64url");
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** Constant-time comparison of a presented token with a stored sha256 (hex). */
export function tokenMatches(token: string, storedHash: string): boolean {
  const presented = createHash("sha256").update(token, "utf8").digest();
  const stored = Buffer.from(storedHash, "hex");
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
