import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

/**
 * Values are served with the content type their writer chose. These headers keep a browser from
 * sniffing or rendering one as a page of this origin (stored HTML or SVG stays inert data).
 * Set before the handler runs, they are part of every answer it or the error handler builds,
 * without copying headers afterwards.
 */
export function setApiHeaders(c: Context<AppEnv>): void {
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox");
  c.header("Referrer-Policy", "no-referrer");
}

export const apiHeaders = createMiddleware<AppEnv>(async function apiHeaders(c, next) {
  setApiHeaders(c);
  await next();
});
