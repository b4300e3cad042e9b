import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { TokenRecord } from "../../shared/tenants/token-record";

const COOKIE = "ec_dashboard";
/** A session lasts a working day at most, and never past its token's expiry. */
const MAX_SESSION_SECONDS = 8 * 3600;

function attributes(c: Context) {
  // Secure on https only: a local http://127.0.0.1 dashboard must still be able to sign in.
  const secure = new URL(c.req.url).protocol === "https:";
  return { path: "/dashboard", httpOnly: true, sameSite: "Strict", secure } as const;
}

/** The token the browser holds for the dashboard; re-verified on every request. */
export function sessionToken(c: Context): string | undefined {
  const token = getCookie(c, COOKIE);
  return token ? token : undefined;
}

export function startSession(c: Context, token: string, record: TokenRecord | undefined, now: number): void {
  const expiresIn = record?.expiresAt ? Math.floor((Date.parse(record.expiresAt) - now) / 1000) : MAX_SESSION_SECONDS;
  setCookie(c, COOKIE, token, { ...attributes(c), maxAge: Math.max(1, Math.min(MAX_SESSION_SECONDS, expiresIn)) });
}

export function endSession(c: Context): void {
  deleteCookie(c, COOKIE, attributes(c));
}
