import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { GatewayHttpError } from "./http-error.ts";

/**
 * The bearer token of a request. A missing or malformed header is a malformed request (400); a
 * well-formed header with the wrong token is the caller's to judge (401).
 */
export function bearerToken(headers: IncomingHttpHeaders): string {
  const header = headers.authorization;
  if (header === undefined) throw new GatewayHttpError(400, "ERR missing Authorization header");
  const match = /^Bearer +(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new GatewayHttpError(400, "ERR malformed Authorization header, expected: Bearer <token>");
  return match[1];
}

/** Constant-time token comparison; hashing first makes the lengths equal. */
export function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}
