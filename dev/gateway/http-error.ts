import type { ServerResponse } from "node:http";

/**
 * A failure of the whole request. Always answered with a JSON `{"error"}` body and a non-2xx
 * status: the SDK reads any 2xx body as results (a 200 object to a pipeline crashes it).
 */
export class GatewayHttpError extends Error {
  override readonly name = "GatewayHttpError";

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Redis could not be reached or did not answer in time: 503, so callers treat it as transient. */
export class RedisUnavailableError extends GatewayHttpError {
  constructor(cause: unknown) {
    super(503, `ERR redis unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function sendError(res: ServerResponse, status: number, message: string, headers?: Record<string, string>): void {
  sendJson(res, status, JSON.stringify({ error: message }), headers);
}
