// The compiled build (plain JavaScript: it must run before anything is compiled).
//
//   node scripts/build.js            npm run build: src/ → dist/
//   node scripts/build.js --prepare  npm ci / npm install: the same, skipped when TypeScript is
//                                    not installed (npm ci --omit=dev), so the install succeeds
//   node scripts/build.js --check    before npm start: stops when dist/main.js is missing, warns
//                                    when a file under src/ is newer than the build
//
// dist/ mirrors src/ one level deep in the same checkout, so "../../data/…" resolved from
// dist/x/y.js (new URL(…, import.meta.url)) is the same folder as from src/x/y.ts. Files under
// src/ that are not TypeScript (src/web/static/…) are read next to their module at run time, so
// they are copied to the same place under dist/. dist/ is removed first: a module deleted or
// moved in src/ must not live on in the build.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";
import { fileURLToPath, URL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const src = path.join(root, "src");
const dist = path.join(root, "dist");
const entry = path.join(dist, "main.js");
const isTypeScript = (file) => /\.[cm]?tsx?$/.test(file);
const say = (line) => process.stderr.write(`build: ${line}\n`);

function newestMtime(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, item.name);
    const mtime = item.isDirectory() ? newestMtime(file) : statSync(file).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

function findTsc() {
  try {
    return createRequire(import.meta.url).resolve("typescript/bin/tsc");
  } catch {
    return null;
  }
}

function check() {
  if (!existsSync(entry)) {
    say("dist/main.js is missing: run `npm run build` (or `npm run dev` to run src/ through tsx)");
    return 1;
  }
  if (newestMtime(src) > statSync(entry).mtimeMs) {
    say("warning: src/ has changed since the last build; `npm run build` to run the new code");
  }
  return 0;
}

function build(prepare) {
  const tsc = findTsc();
  if (!tsc) {
    if (prepare) {
      say("typescript is not installed (dev dependencies omitted?): dist/ not built");
      return 0;
    }
    say("typescript is not installed: run `npm ci` first");
    return 1;
  }
  rmSync(dist, { recursive: true, force: true });
  const config = path.join(root, "tsconfig.build.json");
  const compiled = spawnSync(process.execPath, [tsc, "-p", config], { stdio: "inherit" });
  if (compiled.status !== 0) return compiled.status ?? 1;
  cpSync(src, dist, { recursive: true, filter: (from) => !isTypeScript(from) });
  return 0;
}

const mode = process.argv[2];
if (mode !== undefined && mode !== "--prepare" && mode !== "--check") {
  say(`unknown option ${mode}`);
  process.exit(2);
}
process.exitCode = mode === "--check" ? check() : build(mode === "--prepare");
