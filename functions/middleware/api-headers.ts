import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { addResponseHeader } from "../http/response-headers";

/**
 * Values are served with the content type their writer chose. These headers keep a browser from
 * sniffing or rendering one as a page of this origin (stored HTML or SVG stays inert data).
 * Added before the handler runs, they are part of every answer it or the error handler builds.
 */
export function setApiHeaders(c: Context<AppEnv>): void {
  addResponseHeader(c, "X-Content-Type-Options", "nosniff");
  addResponseHeader(c, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox");
  addResponseHeader(c, "Referrer-Policy", "no-referrer");
}

export const apiHeaders = createMiddleware<AppEnv>(async function apiHeaders(c, next) {
  setApiHeaders(c);
  await next();
});
