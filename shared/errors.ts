import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { StoreUnavailableError } from "./cache/store";
import { log } from "./log";
import { RequestTooLargeError } from "./redis/request-errors";

/** Every error code the API can answer with; clients switch on these, never on messages. */
export type ErrorCode =
  | "bad_request"
  | "invalid_key"
  | "invalid_query"
  | "invalid_body"
  | "unauthorized"
  | "token_expired"
  | "token_revoked"
  | "tenant_disabled"
  | "insufficient_scope"
  | "origin_not_allowed"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "precondition_failed"
  | "payload_too_large"
  | "storage_full"
  | "too_many_prefix_lengths"
  | "unsupported_media_type"
  | "rate_limited"
  | "origin_unavailable"
  | "store_unavailable"
  | "redis_required"
  | "misconfigured"
  | "internal";

/** An error a client caused or must know about, rendered as `{"error":{"code","message"}}`. */
export class ApiError extends HTTPException {
  readonly code: ErrorCode;

  constructor(status: ContentfulStatusCode, code: ErrorCode, message: string, headers?: HeadersInit) {
    super(status, { message });
    this.code = code;
    this.headers = headers;
  }

  headers: HeadersInit | undefined;
}

export function errorBody(code: ErrorCode, message: string) {
  return { error: { code, message } };
}

/**
 * The one place errors become responses. Anything that is not an ApiError is a bug: it is logged
 * with the request id and answered as a bare 500 that reveals nothing of the cause.
 */
export function renderError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    const res = c.json(errorBody(err.code, err.message), err.status);
    if (err.headers) for (const [k, v] of new Headers(err.headers)) res.headers.set(k, v);
    return res;
  }
  if (err instanceof RequestTooLargeError) {
    const message = `The encoded request would be ${err.requestBytes} bytes; L2 accepts at most ${err.limitBytes}: send fewer or smaller values`;
    return c.json(errorBody("payload_too_large", message), 413);
  }
  if (err instanceof StoreUnavailableError) {
    return c.json(errorBody("store_unavailable", "The cache store is unavailable; retry shortly"), 503, { "Retry-After": "1" });
  }
  if (err instanceof HTTPException) {
    const code: ErrorCode = err.status === 404 ? "not_found" : err.status < 500 ? "bad_request" : "internal";
    return c.json(errorBody(code, err.message || "Request failed"), err.status);
  }
  // Name and stack frames only: a message may carry request data.
  log("error", "error", "unhandled error", {
    requestId: c.get("requestId" as never),
    name: err?.name,
    stack: err?.stack?.split("\n").slice(1, 6).join(" | "),
  });
  return c.json(errorBody("internal", "Internal error"), 500);
}
