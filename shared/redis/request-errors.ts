import { StoreUnavailableError } from "../cache/store";

/**
 * Failures caused by what one request asked for, not by Redis being unavailable. The circuit
 * breaker must never count them as Redis failing: one tenant's oversized batch or a value a
 * script refuses would otherwise open the circuit that every tenant of the isolate shares.
 */

/**
 * The encoded request would be larger than the L2 accepts (L2_MAX_REQUEST_BYTES). Raised before
 * anything is sent, so nothing was stored; answered 413. Not a StoreUnavailableError: retrying
 * cannot help, only a smaller request can.
 */
export class RequestTooLargeError extends Error {
  override name = "RequestTooLargeError";
  constructor(
    /** The exact size of the JSON body that would have been sent. */
    readonly requestBytes: number,
    readonly limitBytes: number,
  ) {
    super(`edge-cache (upstash): the encoded request would be ${requestBytes} bytes, over the ${limitBytes}-byte limit`);
  }
}

/**
 * Redis answered, with an error for this command (a script error, WRONGTYPE, an unreadable
 * stored entry). The transport works: this is evidence Redis is up, never that it is down.
 */
export class RedisCommandError extends StoreUnavailableError {
  override name = "RedisCommandError";
}

/**
 * A prefix invalidation would take the tenant's prefix watermarks past MAX_PREFIX_LENGTHS
 * distinct lengths (cache/store.ts); nothing was raised. Answered 409: invalidating a shorter
 * prefix already in use, or clearing the tenant, frees the way; lengths also age out.
 */
export class PrefixLengthsExhaustedError extends Error {
  override name = "PrefixLengthsExhaustedError";
  constructor(readonly maxLengths: number) {
    super(`edge-cache: prefix invalidations may use at most ${maxLengths} distinct prefix lengths at a time`);
  }
}
