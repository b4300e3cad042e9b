import { createMiddleware } from "hono/factory";
import type { DashboardEnv } from "./dashboard-env";

function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Every dashboard response: never stored by a cache (it shows a tenant's data behind a cookie),
 * never framed, and a CSP that allows nothing but the page's own nonce-bearing stylesheet, data:
 * images and forms posted back here. No CORS headers: the page is for this origin only.
 */
export const pageHeaders = createMiddleware<DashboardEnv>(async function pageHeaders(c, next) {
  const nonce = randomNonce();
  c.set("cspNonce", nonce);
  await next();
  const headers = c.res.headers;
  headers.set("Cache-Control", "no-store");
  headers.set(
    "Content-Security-Policy",
    `default-src 'none'; style-src 'nonce-${nonce}'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  );
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("X-Frame-Options", "DENY");
  headers.set("Referrer-Policy", "no-referrer");
});
