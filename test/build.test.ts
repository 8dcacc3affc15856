/**
 * The compiled build (`npm run build`, scripts/build.js → dist/) must find every file the code
 * reads next to its own module (`new URL("…", import.meta.url)`): dist/ mirrors src/ one level deep
 * in the same checkout, so "../../data/…" from dist/x/y.js is the folder it is from src/x/y.ts,
 * and what lives under src/ without being TypeScript (src/web/static/…) is copied. Static checks,
 * no compile: that takes tens of seconds, and `npm ci` compiles anyway (the prepare script).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const readJson = <T>(file: string) => JSON.parse(readFileSync(path.join(ROOT, file), "utf8")) as T;

const build = readJson<{
  extends: string;
  include: string[];
  compilerOptions: Record<string, unknown> & { rootDir: string; outDir: string };
}>("tsconfig.build.json");
const SRC = path.resolve(ROOT, build.compilerOptions.rootDir);
const DIST = path.resolve(ROOT, build.compilerOptions.outDir);

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((item) => {
    const file = path.join(dir, item.name);
    if (item.isDirectory()) return tsFiles(file);
    return /\.ts$/.test(item.name) ? [file] : [];
  });
}

/**
 * `new URL("…", import.meta.url)` in the source files: [module, relative path]; of a template
 * (`./static/${name}.html`), the folder before the first substitution (`./static/`).
 */
function assetUrls(): [string, string][] {
  const found: [string, string][] = [];
  for (const file of tsFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/new URL\(\s*(["'`])(.*?)\1\s*,\s*import\.meta\.url/gs)) {
      const literal = m[2]!;
      const cut = literal.indexOf("${");
      found.push([file, cut < 0 ? literal : literal.slice(0, literal.lastIndexOf("/", cut) + 1)]);
    }
  }
  return found;
}

describe("compiled build", () => {
  it("compiles src/ alone to dist/, a sibling of src/, with .ts imports rewritten", () => {
    expect(build.extends).toBe("./tsconfig.json");
    expect(build.include).toEqual(["src"]);
    expect(path.relative(ROOT, SRC)).toBe("src");
    expect(path.dirname(DIST)).toBe(path.dirname(SRC));
    expect(build.compilerOptions.noEmit).toBe(false);
    expect(build.compilerOptions.rewriteRelativeImportExtensions).toBe(true);
  });

  it("is built on install and run by npm start", () => {
    const { scripts } = readJson<{ scripts: Record<string, string> }>("package.json");
    expect(scripts.build).toBe("node scripts/build.js");
    expect(scripts.prepare).toMatch(/^node scripts\/build\.js\b/);
    expect(scripts.start).toMatch(/^node (--\S+ )*dist\/main\.js$/);
    expect(readFileSync(path.join(ROOT, ".gitignore"), "utf8").split("\n")).toContain("dist/");
  });

  it("finds every file read next to a module from dist/ as from src/", () => {
    const urls = assetUrls();
    expect(urls.length).toBeGreaterThan(5);
    for (const [file, relative] of urls) {
      const fromSrc = path.resolve(path.dirname(file), relative);
      const compiled = path.join(DIST, path.relative(SRC, file));
      const fromDist = path.resolve(path.dirname(compiled), relative);
      const where = `${path.relative(ROOT, file)}: "${relative}"`;
      if (path.relative(SRC, fromSrc).startsWith("..")) {
        // Outside src/ (data/, prompts/, ../shared): the very same path.
        expect(fromDist, where).toBe(fromSrc);
        if (!path.relative(ROOT, fromSrc).startsWith("..")) {
          expect(existsSync(fromSrc), `${where} is missing`).toBe(true);
        }
      } else {
        // Inside src/: copied to the same place under dist/ by scripts/build.js, if not TypeScript.
        expect(fromDist, where).toBe(path.join(DIST, path.relative(SRC, fromSrc)));
        expect(existsSync(fromSrc), `${where} is missing`).toBe(true);
        const copied = statSync(fromSrc).isDirectory()
          ? readdirSync(fromSrc).every((name) => !/\.[cm]?tsx?$/.test(name))
          : !/\.[cm]?tsx?$/.test(fromSrc);
        expect(copied, `${where} is TypeScript: it is compiled, not copied`).toBe(true);
      }
    }
  });
});
