/** The web chat page: static HTML, JS and CSS from ./static, served by the server. */
import { readFileSync } from "node:fs";

export interface PageAssets {
  html: string;
  js: string;
  css: string;
}

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

/** Reads the page files once (call it at start-up, not per request). */
export function loadPageAssets(dir: URL = new URL("./static/", import.meta.url)): PageAssets {
  const read = (name: string) => readFileSync(new URL(name, dir), "utf8");
  return { html: read("chat.html"), js: read("chat.js"), css: read("chat.css") };
}
