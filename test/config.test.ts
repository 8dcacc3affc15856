import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseDotEnv } from "../src/config.ts";

const noFile = { envFile: null, cwd: "/srv/motcua" } as const;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("has defaults", () => {
    const config = loadConfig({}, noFile);
    expect(config).toEqual({
      port: 8080,
      host: "127.0.0.1",
      dataDir: "/srv/motcua/var",
      databaseFile: "/srv/motcua/var/motcua.sqlite",
      logLevel: "info",
      catalogueFile: undefined,
      embeddings: null,
      localEmbeddings: true,
      trustedProxies: [],
      retentionDays: 365,
    });
  });

  it("reads the keys it knows", () => {
    const config = loadConfig(
      {
        PORT: "0",
        HOST: "0.0.0.0",
        MOTCUA_DATA_DIR: "/data",
        LOG_LEVEL: "debug",
        CATALOGUE_FILE: "data/x.json",
        EMBEDDINGS_BASE_URL: "http://127.0.0.1:9999/v1",
        EMBEDDINGS_API_KEY: "sk-secret",
        EMBEDDINGS_MODEL: "bge-m3",
      },
      noFile,
    );
    expect(config.port).toBe(0);
    expect(config.host).toBe("0.0.0.0");
    expect(config.databaseFile).toBe("/data/motcua.sqlite");
    expect(config.logLevel).toBe("debug");
    expect(config.catalogueFile).toBe("/srv/motcua/data/x.json");
    expect(config.embeddings).toEqual({
      baseUrl: "http://127.0.0.1:9999/v1",
      apiKey: "sk-secret",
      model: "bge-m3",
    });
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ PORT: "", EMBEDDINGS_MODEL: " " }, noFile).port).toBe(8080);
  });

  it.each(["abc", "-1", "65536", "80.5", "0x10"])("rejects PORT=%s", (port) => {
    const err = configError(() => loadConfig({ PORT: port }, noFile));
    expect(err.keys).toEqual(["PORT"]);
    expect(err.message).toContain("PORT: must be an integer between 0 and 65535");
  });

  it("reads RETENTION_DAYS from 90 to 3650 days", () => {
    expect(loadConfig({ RETENTION_DAYS: "90" }, noFile).retentionDays).toBe(90);
    expect(loadConfig({ RETENTION_DAYS: " 3650 " }, noFile).retentionDays).toBe(3650);
  });

  it.each(["89", "0", "3651", "36500", "365.5", "-365", "1y"])(
    "rejects RETENTION_DAYS=%s",
    (days) => {
      const err = configError(() => loadConfig({ RETENTION_DAYS: days }, noFile));
      expect(err.keys).toEqual(["RETENTION_DAYS"]);
      expect(err.message).toContain(
        "RETENTION_DAYS: must be a whole number of days between 90 and 3650",
      );
    },
  );

  it("uses the SQLite file unless DATABASE_URL names a PostgreSQL database", () => {
    expect(loadConfig({}, noFile).postgres).toBeUndefined();
    const url = "postgres://motcua:s3cret@db.internal:5433/motcua";
    expect(loadConfig({ DATABASE_URL: url }, noFile).postgres).toEqual({ url, poolSize: 10 });
    expect(
      loadConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: "24" }, noFile).postgres?.poolSize,
    ).toBe(24);
  });

  it.each([
    "mysql://u:s3cret@h/db",
    "postgres://u:s3cret@h",
    "postgres://u:s3cret@h/",
    "postgres://u:s3cret@h/db/x",
    "/var/lib/motcua.sqlite",
  ])("rejects DATABASE_URL=%s without printing it", (url) => {
    const err = configError(() => loadConfig({ DATABASE_URL: url }, noFile));
    expect(err.keys).toEqual(["DATABASE_URL"]);
    expect(err.message).toContain(
      "DATABASE_URL: must be postgres://user:password@host:port/database",
    );
    expect(err.message).not.toContain("s3cret");
  });

  it.each(["1", "101", "ten", "4.5"])("rejects DATABASE_POOL_SIZE=%s", (n) => {
    const err = configError(() => loadConfig({ DATABASE_POOL_SIZE: n }, noFile));
    expect(err.keys).toEqual(["DATABASE_POOL_SIZE"]);
  });

  it("lists every bad key", () => {
    const err = configError(() => loadConfig({ PORT: "x", LOG_LEVEL: "loud" }, noFile));
    expect(err.keys.sort()).toEqual(["LOG_LEVEL", "PORT"]);
    expect(err.message).toMatch(/LOG_LEVEL: must be one of fatal, error/);
  });

  it("wants all embedding settings or none, without printing the key", () => {
    const err = configError(() =>
      loadConfig({ EMBEDDINGS_API_KEY: "sk-very-secret-value" }, noFile),
    );
    expect(err.keys.sort()).toEqual(["EMBEDDINGS_BASE_URL", "EMBEDDINGS_MODEL"]);
    expect(err.message).toContain("required when EMBEDDINGS_API_KEY is set");
    expect(err.message).not.toContain("sk-very-secret-value");
  });

  it("never prints a bad value", () => {
    const err = configError(() =>
      loadConfig(
        {
          EMBEDDINGS_BASE_URL: "ftp://user:hunter2@example.com",
          EMBEDDINGS_API_KEY: "hunter2",
          EMBEDDINGS_MODEL: "m",
        },
        noFile,
      ),
    );
    expect(err.keys).toEqual(["EMBEDDINGS_BASE_URL"]);
    expect(err.message).not.toContain("hunter2");
  });

  it("reads .env, and the real environment wins", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "motcua-config-"));
    writeFileSync(
      path.join(dir, ".env"),
      ["# comment", "PORT=9000", "HOST=10.0.0.1", "LOG_LEVEL=warn # inline", ""].join("\n"),
    );
    const config = loadConfig({ HOST: "127.0.0.2" }, { cwd: dir });
    expect(config.port).toBe(9000);
    expect(config.host).toBe("127.0.0.2");
    expect(config.logLevel).toBe("warn");
    expect(config.dataDir).toBe(path.join(dir, "var"));
  });

  it("is fine without a .env file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "motcua-config-"));
    expect(loadConfig({}, { cwd: dir }).port).toBe(8080);
  });
});

describe("parseDotEnv", () => {
  it("parses KEY=VALUE lines, comments and quotes", () => {
    const text = [
      "\uFEFF# leading comment",
      "A=1",
      "export B = two words ",
      "C='single # not a comment'",
      'D="line\\nbreak \\"quoted\\"" # comment',
      "E=",
      "F=x#y",
      "   ",
      "G=a=b",
    ].join("\r\n");
    expect(parseDotEnv(text)).toEqual({
      A: "1",
      B: "two words",
      C: "single # not a comment",
      D: 'line\nbreak "quoted"',
      E: "",
      F: "x#y",
      G: "a=b",
    });
  });

  it("names malformed lines, not their content", () => {
    const err = configError(() => parseDotEnv("A=1\nthis is secret\nB='unterminated"));
    expect(err.keys).toEqual(["line 2", "line 3"]);
    expect(err.message).not.toContain("secret");
  });
});
