/** Every code the service answers errors with; switch on these, never on messages. */
export const ERROR_CODES = [
  "bad_request",
  "invalid_key",
  "invalid_query",
  "invalid_body",
  "unauthorized",
  "token_expired",
  "token_revoked",
  "tenant_disabled",
  "insufficient_scope",
  "origin_not_allowed",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "conflict",
  "precondition_failed",
  "payload_too_large",
  "storage_full",
  "too_many_prefix_lengths",
  "unsupported_media_type",
  "rate_limited",
  "origin_unavailable",
  "store_unavailable",
  "redis_required",
  "misconfigured",
  "internal",
] as const;

export type EdgeCacheErrorCode = (typeof ERROR_CODES)[number];

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

// What a status means when the body is not the service's own error (a proxy's page, say).
const CODE_BY_STATUS: Record<number, EdgeCacheErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  412: "precondition_failed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
  501: "redis_required",
  503: "store_unavailable",
};

export interface EdgeCacheErrorInit {
  status: number;
  code: EdgeCacheErrorCode;
  message: string;
  requestId?: string | undefined;
  retryAfter?: number | undefined;
}

/** An error answer of the service. Network failures and aborts reject as fetch's own errors. */
export class EdgeCacheError extends Error {
  override readonly name = "EdgeCacheError";
  readonly status: number;
  readonly code: EdgeCacheErrorCode;
  /** The response's X-Request-Id, to quote when reporting a problem. */
  readonly requestId: string | undefined;
  /** Seconds to wait before retrying (Retry-After), on 429 and 503. */
  readonly retryAfter: number | undefined;

  constructor(init: EdgeCacheErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
  }

  /** True when the same request may succeed later unchanged: rate limited, or the store was unavailable. */
  get retryable(): boolean {
    return this.status === 429 || this.status === 503;
  }
}

/** Builds the error of a non-success response, consuming its body. */
export async function errorFromResponse(response: Response): Promise<EdgeCacheError> {
  const body = (await response.json().catch(() => undefined)) as { error?: { code?: unknown; message?: unknown } } | undefined;
  const code = body?.error?.code;
  const message = body?.error?.message;
  return new EdgeCacheError({
    status: response.status,
    code: typeof code === "string" && CODES.has(code) ? (code as EdgeCacheErrorCode) : (CODE_BY_STATUS[response.status] ?? "internal"),
    message: typeof message === "string" ? message : `edge-cache answered HTTP ${response.status}`,
    requestId: response.headers.get("X-Request-Id") ?? undefined,
    retryAfter: parseRetryAfter(response.headers.get("Retry-After")),
  });
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP date; seconds from now either way. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
