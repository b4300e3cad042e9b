import type { Context } from "hono";
import type { AppEnv } from "../app-env";

export type HeaderRecord = Record<string, string>;

/**
 * Headers the middleware gives whatever answers a request (the request id, the API's security
 * headers, CORS, rate limits), kept in a plain record rather than set one by one on a Headers
 * object: an entry read builds its response with every header in one constructor call
 * (`respond`), and any other answer gets them copied in once it is done (`applyResponseHeaders`).
 * Each `Headers.set` is a call into the runtime, and an L1 hit is only a few dozen of those long.
 */
export function addResponseHeader(c: Context<AppEnv>, name: string, value: string): void {
  const headers = c.get("responseHeaders");
  const previous = headers[name];
  // Vary lists what the answer varies with; a second reason adds to it.
  headers[name] = name === "Vary" && previous ? `${previous}, ${value}` : value;
}

/** The answer with the request's headers and its own, built at once. */
export function respond(c: Context<AppEnv>, body: BodyInit | null, status: number, headers: HeaderRecord): Response {
  c.set("responseHeadersApplied", true);
  return new Response(body, { status, headers: Object.assign(c.get("responseHeaders"), headers) });
}

/** Gives an answer built another way (any route, an error, a preflight) the request's headers. */
export function applyResponseHeaders(c: Context<AppEnv>): void {
  if (c.get("responseHeadersApplied")) return;
  const target = c.res.headers;
  for (const [name, value] of Object.entries(c.get("responseHeaders"))) {
    if (name === "Vary") target.append(name, value);
    else target.set(name, value);
  }
}
