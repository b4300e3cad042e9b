import type { Context } from "hono";
import { ApiError } from "../../shared/errors";
import { isBrowserOrigin } from "../../shared/tenants/tenant-record";
import type { AppEnv } from "../app-env";
import { addResponseHeader } from "../http/response-headers";
import { clientAddress, countAuthFailure, refuseThrottledClient } from "./auth-failures";

const ALLOW_HEADERS = "Authorization, Content-Type, If-None-Match";
const ALLOW_METHODS = "GET, HEAD, PUT, POST, DELETE";
const EXPOSE_HEADERS =
  "ETag, Age, X-Cache, X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, X-Next-Cursor";

/**
 * The answer to a CORS preflight, or undefined when the request is not one. A preflight carries
 * no token, so it passes only for an origin that some tenant or token allows; the request that
 * follows is checked against its own token. Never `*`: the API is authenticated, and a wildcard
 * would hand every site the browser's calls.
 *
 * What it costs: an origin that is not one in form is refused without a lookup; otherwise one
 * lookup in the origin index, cached in the isolate (cors-origins.ts). A lookup that finds the
 * origin refused counts as a failed authentication of the client, and a client past its limit
 * gets no lookup at all (auth-failures.ts), so cycling made-up origins cannot cost Redis requests.
 */
export async function answerPreflight(c: Context<AppEnv>): Promise<Response | undefined> {
  if (c.req.method !== "OPTIONS") return undefined;
  const origin = c.req.header("Origin");
  if (!origin || !c.req.header("Access-Control-Request-Method")) return undefined;
  if (!(await isAllowedOrigin(c, origin))) throw new ApiError(403, "origin_not_allowed", "This origin is not allowed");
  return c.body(null, 204, {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Methods": ALLOW_METHODS,
    "Access-Control-Allow-Headers": ALLOW_HEADERS,
    "Access-Control-Max-Age": "600",
    Vary: "Origin",
  });
}

async function isAllowedOrigin(c: Context<AppEnv>, origin: string): Promise<boolean> {
  if (!isBrowserOrigin(origin)) return false;
  const corsOrigins = c.get("services").corsOrigins;
  const cached = corsOrigins.cachedAnswer(origin);
  if (cached !== undefined) return cached;
  const client = clientAddress(c);
  refuseThrottledClient(c, client);
  const allowed = await corsOrigins.isAllowed(origin);
  if (!allowed) countAuthFailure(c, client);
  return allowed;
}

/**
 * After authentication: a browser request (it has an Origin) must come from an origin the token
 * allows, or failing a token list, the tenant. Requests without Origin (servers) pass untouched.
 * The headers go on whatever answers the request, errors such as a 429 included.
 */
export function allowOrigin(c: Context<AppEnv>): void {
  const origin = c.req.header("Origin");
  if (!origin) return;
  const allowed = c.get("token").allowedOrigins ?? c.get("tenantRecord").allowedOrigins;
  if (!allowed.includes(origin)) throw new ApiError(403, "origin_not_allowed", "This origin is not allowed for this token");
  addResponseHeader(c, "Access-Control-Allow-Origin", origin);
  addResponseHeader(c, "Access-Control-Expose-Headers", EXPOSE_HEADERS);
  addResponseHeader(c, "Vary", "Origin");
}
