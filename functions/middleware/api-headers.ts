import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

/**
 * Values are served with the content type their writer chose. These headers keep a browser from
 * sniffing or rendering one as a page of this origin (stored HTML or SVG stays inert data).
 */
export const apiHeaders = createMiddleware<AppEnv>(async function apiHeaders(c, next) {
  await next();
  c.res.headers.set("X-Content-Type-Options", "nosniff");
  c.res.headers.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox");
  c.res.headers.set("Referrer-Policy", "no-referrer");
});
