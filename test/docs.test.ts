/**
 * The documentation keeps up with the code: every environment variable the config schema reads
 * is named in README.md or docs/*.md, README.md stays short, and relative links lead somewhere
 * (to an existing file, and to one of its headings when they name one).
 *
 * The variables are not listed here: they are what `loadConfig` actually reads (an environment
 * that records every key asked of it), together with the keys of the schema in src/config.ts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const README = path.join(ROOT, "README.md");
const DOCS = path.join(ROOT, "docs");
const README_MAX_LINES = 250;

const docFiles = (): string[] => [
  README,
  ...readdirSync(DOCS)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => path.join(DOCS, f)),
];

const tmp = mkdtempSync(path.join(tmpdir(), "motcua-docs-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The names `loadConfig` reads from the environment it is given. */
function envNamesRead(): Set<string> {
  const read = new Set<string>();
  const env = new Proxy({} as NodeJS.ProcessEnv, {
    get(_target, key) {
      if (typeof key === "string") read.add(key);
      return undefined;
    },
  });
  loadConfig(env, { envFile: null, cwd: tmp });
  return read;
}

/** The keys of the environment schema (`const envSchema = z.object({ KEY: … })`) in src/config.ts. */
function schemaKeys(): Set<string> {
  const source = readFileSync(path.join(ROOT, "src", "config.ts"), "utf8");
  const start = source.indexOf("const envSchema");
  expect(start, "src/config.ts has no `const envSchema`").toBeGreaterThanOrEqual(0);
  const end = source.indexOf(".superRefine(", start);
  const block = source.slice(start, end < 0 ? undefined : end);
  const keys = new Set<string>();
  // Properties of the object literal: "    PORT: z…" at the schema's own indentation.
  for (const m of block.matchAll(/^ {4}([A-Z][A-Z0-9_]+):/gm)) keys.add(m[1]!);
  return keys;
}

function envNames(): string[] {
  return [...new Set([...envNamesRead(), ...schemaKeys()])].sort();
}

/** A markdown file without its fenced code blocks. */
function withoutFences(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
}

/** The text of a markdown file without code blocks and inline code (no links there). */
function prose(text: string): string {
  return withoutFences(text).replace(/`[^`\n]*`/g, "");
}

/** Link targets of a markdown file: `[text](target)` and `[label]: target` definitions. */
function linkTargets(text: string): string[] {
  const body = prose(text);
  const inline = [...body.matchAll(/\]\(\s*(?:<([^>\n]+)>|([^)\s]+))(?:\s+"[^"]*")?\s*\)/g)].map(
    (m) => (m[1] ?? m[2])!,
  );
  const defined = [...body.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map(
    (m) => m[1]!,
  );
  return [...inline, ...defined];
}

/** Relative targets (no scheme): the file ("" for the same file) and the #fragment, if any. */
function relativeTargets(targets: readonly string[]): { file: string; fragment: string | null }[] {
  return targets
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith("//"))
    .map((t) => {
      const hash = t.indexOf("#");
      const file = decodeURIComponent((hash < 0 ? t : t.slice(0, hash)).replace(/\?.*$/, ""));
      return { file, fragment: hash < 0 ? null : decodeURIComponent(t.slice(hash + 1)) };
    });
}

/** The anchors GitHub gives a markdown file's headings ("## Data (migration 5)" → data-migration-5). */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of withoutFences(text).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N} _-]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

describe("documentation", () => {
  it("names every environment variable the config schema reads", () => {
    const names = envNames();
    // The derivation itself works (an empty list would pass everything).
    expect(names.length).toBeGreaterThan(10);
    expect(names).toEqual(expect.arrayContaining([...envNamesRead()]));
    const text = docFiles()
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    const undocumented = names.filter(
      (name) => !new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`).test(text),
    );
    expect(undocumented, "variables named in neither README.md nor docs/*.md").toEqual([]);
  });

  it(`keeps README.md to at most ${README_MAX_LINES} lines`, () => {
    const lines = readFileSync(README, "utf8").replace(/\n$/, "").split("\n").length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it("has every relative link of README.md and docs/*.md point to an existing file", () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of docFiles()) {
      const text = readFileSync(file, "utf8");
      for (const { file: target, fragment } of relativeTargets(linkTargets(text))) {
        const resolved = target === "" ? file : path.resolve(path.dirname(file), target);
        const shown = `${path.relative(ROOT, file)} → ${target}${fragment === null ? "" : `#${fragment}`}`;
        checked++;
        if (!existsSync(resolved)) {
          broken.push(shown);
          continue;
        }
        // A #fragment into a markdown page must name one of its headings.
        if (fragment && resolved.endsWith(".md")) {
          const target = resolved === file ? text : readFileSync(resolved, "utf8");
          if (!anchors(target).has(fragment)) broken.push(`${shown} (no such heading)`);
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(broken).toEqual([]);
  });

  it("reads links the way the check above relies on", () => {
    const sample = [
      'See [a](docs/a.md#part), [b](<b c.md> "title"), [web](https://x.vn), [top](#top).',
      "```",
      "[not a link](nowhere.md)",
      "```",
      "Code `[no](nope.md)` and a definition:",
      "[ref]: ./ref.md",
    ].join("\n");
    expect(relativeTargets(linkTargets(sample))).toEqual([
      { file: "docs/a.md", fragment: "part" },
      { file: "b c.md", fragment: null },
      { file: "", fragment: "top" },
      { file: "./ref.md", fragment: null },
    ]);
    expect([...anchors("# Data (migration 5)\n## Tour\n## Tour\n## `npm run` — the CLI")]).toEqual([
      "data-migration-5",
      "tour",
      "tour-1",
      "npm-run--the-cli",
    ]);
  });
});
