/**
 * What every route shares: the hono types, the response helpers with their security headers, and
 * the middleware the route table (src/web/routes.ts) puts in front of handlers: request bodies
 * (JSON or raw bytes, size-limited) and the same-origin check.
 */
import type { HttpBindings } from "@hono/node-server";
import type { Context, MiddlewareHandler } from "hono";
import { HttpError, payloadTooLarge } from "./errors.ts";

export interface Env {
  /** The node request and response; absent under `app.request()` in tests. */
  Bindings: Partial<HttpBindings> | undefined;
  Variables: {
    /** The parsed JSON body (POST rows of the table). */
    body: unknown;
    /** The exact bytes of the body (POST rows with `raw`). */
    raw: Buffer;
    /** The signed-in staff member's name (routes behind a staff `auth`). */
    staff: string;
  };
}
export type Handler = (c: Context<Env>) => Response | Promise<Response>;
export type Middleware = MiddlewareHandler<Env>;

export const KB = 1024;
export const MiB = 1024 * KB;

const COMMON_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
};

const API_HEADERS: Record<string, string> = {
  ...COMMON_HEADERS,
  "Content-Type": "application/json; charset=utf-8",
  "Cache-Control": "no-store",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
};

export function json(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), { status, headers: { ...API_HEADERS, ...headers } });
}

export function errorResponse(err: HttpError): Response {
  return json({ error: { code: err.code, message: err.message } }, err.status, err.headers);
}

/** A page file (HTML, script, style). */
export function asset(body: string, type: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    headers: { ...COMMON_HEADERS, "Content-Type": type, "Cache-Control": "no-cache", ...headers },
  });
}

/** The client's address, for rate limits ("?" under `app.request()`). */
export function clientAddress(c: Context<Env>): string {
  return c.env?.incoming?.socket.remoteAddress ?? "?";
}

function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const [type = "", ...params] = header.split(";").map((p) => p.trim().toLowerCase());
  if (type !== "application/json") return false;
  const charset = params.find((p) => p.startsWith("charset="));
  return !charset || /^charset="?utf-8"?$/.test(charset);
}

/**
 * Reads the body, at most `maxBytes`: a larger declared Content-Length is refused before reading,
 * and a chunked body stops being read as soon as it passes the limit (413 either way).
 */
async function readBody(req: Request, maxBytes: number): Promise<Buffer> {
  if (Number(req.headers.get("content-length")) > maxBytes) throw payloadTooLarge(maxBytes);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body?.getReader();
  for (;;) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) break;
    size += chunk.value.byteLength;
    if (size > maxBytes) {
      reader?.cancel().catch(() => undefined);
      throw payloadTooLarge(maxBytes);
    }
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks);
}

/** A JSON body of at most `maxBytes` in `c.var.body`: 415, 413 or 400 otherwise. */
export function jsonBody(maxBytes: number): Middleware {
  return async (c, next) => {
    if (!isJsonContentType(c.req.header("content-type"))) {
      throw new HttpError(415, "unsupported_media_type");
    }
    const text = (await readBody(c.req.raw, maxBytes)).toString("utf8");
    let body: unknown;
    try {
      body = JSON.parse(text.replace(/^\uFEFF/, ""));
    } catch {
      throw new HttpError(400, "invalid_json");
    }
    c.set("body", body);
    await next();
  };
}

/** The body's exact bytes (of at most `maxBytes`, else 413) in `c.var.raw`, any content type. */
export function rawBody(maxBytes: number): Middleware {
  return async (c, next) => {
    c.set("raw", await readBody(c.req.raw, maxBytes));
    await next();
  };
}

/** Against CSRF: when the browser sends an Origin, it must be this host (403 otherwise). */
export const sameOrigin: Middleware = async (c, next) => {
  const origin = c.req.header("origin");
  if (origin !== undefined) {
    let host: string | null = null;
    try {
      host = new URL(origin).host;
    } catch {
      // not a URL: refused below
    }
    if (host !== new URL(c.req.url).host) {
      throw new HttpError(
        403,
        "forbidden_origin",
        "Yêu cầu không hợp lệ. / Cross-origin request refused.",
      );
    }
  }
  await next();
};
