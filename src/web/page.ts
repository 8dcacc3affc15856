/** The pages (web chat, staff console): static HTML, JS and CSS from ./static, read once. */
import { readFileSync } from "node:fs";
import { asset, type Handler } from "./http.ts";

type PageAssets = Record<"html" | "js" | "css", string>;

/** Only same-origin script, style and fetch; no inline code, no framing. */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Reads `<name>.html`, `.js` and `.css` (call it at start-up, not per request). */
export function loadPageAssets(name: "chat" | "staff"): PageAssets {
  const read = (ext: string) =>
    readFileSync(new URL(`./static/${name}.${ext}`, import.meta.url), "utf8");
  return { html: read("html"), js: read("js"), css: read("css") };
}

/** The route handlers of a page's three files. */
export function pageHandlers(assets: PageAssets): Record<keyof PageAssets, Handler> {
  return {
    html: () =>
      asset(assets.html, "text/html; charset=utf-8", { "Content-Security-Policy": PAGE_CSP }),
    js: () => asset(assets.js, "text/javascript; charset=utf-8"),
    css: () => asset(assets.css, "text/css; charset=utf-8"),
  };
}
