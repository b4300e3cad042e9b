import { readBoundedBody } from "../bounded-body";
import { DEFAULT_CONTENT_TYPE } from "../cache/entry";
import type { IsOriginAllowed } from "./origin-policy";

export interface OriginRequest {
  url: string;
  headers?: Record<string, string> | undefined;
  /** Validators of the copy already held, sent as If-None-Match / If-Modified-Since. */
  validators?: { etag?: string | undefined; lastModified?: string | undefined } | undefined;
}

export interface OriginFetchOptions {
  isOriginAllowed: IsOriginAllowed;
  /** Deadline of one attempt, headers and body. @default 5000 */
  timeoutMs?: number;
  /** Attempts after the first, on network errors, timeouts, 429 and 5xx. @default 1 */
  retries?: number;
  /** Larger bodies fail as `too_large` and are never buffered whole. */
  maxBytes: number;
  /** First backoff; doubled per retry, with jitter. @default 100 */
  backoffMs?: number;
  /** Asked before every attempt, retries included: each is a subrequest. @default always yes */
  takeSubrequest?: () => boolean;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export type OriginFailure = "timeout" | "network" | "status" | "too_large" | "redirect";

export type OriginResult =
  | { kind: "ok"; value: Uint8Array; contentType: string; etag?: string; lastModified?: string }
  | { kind: "not-modified"; etag?: string; lastModified?: string }
  | { kind: "failed"; reason: OriginFailure; status?: number }
  /** The policy refused the URL: nothing was fetched. */
  | { kind: "skipped"; reason: "not_allowed" }
  /** The subrequest budget could not pay for a first attempt: try again in a later invocation. */
  | { kind: "deferred" };

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One origin fetch as the warmer and read-through need it: SSRF policy first, a conditional
 * request when a copy is held, a deadline and limited retries with backoff, redirects not
 * followed (their target was never checked by the policy), and only 2xx bodies kept.
 */
export async function fetchOrigin(request: OriginRequest, options: OriginFetchOptions): Promise<OriginResult> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { kind: "skipped", reason: "not_allowed" };
  }
  if (!options.isOriginAllowed(url)) return { kind: "skipped", reason: "not_allowed" };
  const retries = options.retries ?? 1;
  const backoffMs = options.backoffMs ?? 100;
  let last: OriginResult = { kind: "deferred" };
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await (options.sleep ?? sleepFor)(backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
    // No first attempt: deferred to a later invocation. No retry: the last failure stands, so a
    // failing origin cannot hold a cursor in place forever.
    if (options.takeSubrequest && !options.takeSubrequest()) return last;
    const outcome = await attemptOnce(url, request, options);
    if (!outcome.retry) return outcome.result;
    last = outcome.result;
  }
  return last;
}

async function attemptOnce(
  url: URL,
  request: OriginRequest,
  options: OriginFetchOptions,
): Promise<{ result: OriginResult; retry: boolean }> {
  const headers = new Headers(request.headers);
  const conditional = request.validators?.etag !== undefined || request.validators?.lastModified !== undefined;
  if (request.validators?.etag) headers.set("If-None-Match", request.validators.etag);
  if (request.validators?.lastModified) headers.set("If-Modified-Since", request.validators.lastModified);
  const signal = AbortSignal.timeout(options.timeoutMs ?? 5000);
  try {
    const response = await (options.fetch ?? fetch)(url, { headers, redirect: "manual", signal });
    const validators = validatorsOf(response.headers);
    if (response.status === 304 && conditional) {
      await response.body?.cancel();
      return { result: { kind: "not-modified", ...validators }, retry: false };
    }
    // 206 is part of a body; anything else outside 2xx is not the value.
    if (response.status < 200 || response.status > 299 || response.status === 206) {
      await response.body?.cancel();
      const reason: OriginFailure = response.status >= 300 && response.status < 400 ? "redirect" : "status";
      return { result: { kind: "failed", reason, status: response.status }, retry: response.status === 429 || response.status >= 500 };
    }
    const value = await readBoundedBody(response, options.maxBytes);
    if (!value) return { result: { kind: "failed", reason: "too_large", status: response.status }, retry: false };
    const contentType = response.headers.get("Content-Type") ?? DEFAULT_CONTENT_TYPE;
    return { result: { kind: "ok", value, contentType, ...validators }, retry: false };
  } catch (error) {
    const timedOut = signal.aborted || (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"));
    return { result: { kind: "failed", reason: timedOut ? "timeout" : "network" }, retry: true };
  }
}

function validatorsOf(headers: Headers): { etag?: string; lastModified?: string } {
  const etag = headers.get("ETag");
  const lastModified = headers.get("Last-Modified");
  return { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}
