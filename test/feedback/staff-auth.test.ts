import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { createStaffAuth, newStaffToken } from "../../src/feedback/index.ts";

const sha = (t: string) => createHash("sha256").update(t).digest("hex");
const noFile = { envFile: null, cwd: "/srv/motcua" };

describe("staff tokens", () => {
  it("accepts a configured token and names its holder; refuses everything else", () => {
    const auth = createStaffAuth([
      { name: "lan", sha256: sha("token-of-lan-0123456789") },
      { name: "an", sha256: sha("token-of-an-0123456789") },
    ]);
    expect(auth.enabled).toBe(true);
    expect(auth.verify("token-of-an-0123456789")).toBe("an");
    expect(auth.verify("token-of-an-012345678")).toBeNull();
    expect(auth.verify(sha("token-of-an-0123456789"))).toBeNull(); // the hash is not a token
    expect(auth.verify("")).toBeNull();
  });

  it("with no token configured, nobody gets in", () => {
    const auth = createStaffAuth([]);
    expect(auth.enabled).toBe(false);
    expect(auth.verify("anything")).toBeNull();
  });

  it("newStaffToken gives a token whose entry verifies it", () => {
    const t = newStaffToken("hoa");
    expect(t.entry).toBe(`hoa:${sha(t.token)}`);
    const auth = createStaffAuth([{ name: "hoa", sha256: t.sha256 }]);
    expect(auth.verify(t.token)).toBe("hoa");
  });
});

describe("STAFF_TOKEN_HASHES in the configuration", () => {
  it("is absent by default and parsed when set", () => {
    expect(loadConfig({}, noFile).staffTokens).toBeUndefined();
    const h = sha("x");
    const config = loadConfig(
      { STAFF_TOKEN_HASHES: `lan:${h.toUpperCase()}, an:${sha("y")}` },
      noFile,
    );
    expect(config.staffTokens).toEqual([
      { name: "lan", sha256: h },
      { name: "an", sha256: sha("y") },
    ]);
  });

  it("a malformed entry is a ConfigError that does not print the value", () => {
    const secret = "plain-token-not-a-hash";
    let err: unknown;
    try {
      loadConfig({ STAFF_TOKEN_HASHES: `lan:${secret}` }, noFile);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).keys).toEqual(["STAFF_TOKEN_HASHES"]);
    expect((err as Error).message).not.toContain(secret);
    expect(() => loadConfig({ STAFF_TOKEN_HASHES: `a:${sha("1")},a:${sha("2")}` }, noFile)).toThrow(
      /unique/,
    );
  });
});
