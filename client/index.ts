/**
 * `@edge-cache/client`: a typed client of the edge-cache HTTP API. It needs only web platform
 * globals (fetch, Headers, AbortSignal, TextEncoder, btoa), so it runs in browsers, Workers,
 * Node 18+, Deno and Bun alike.
 */
export type { CachedValue } from "./cached-value.js";
export { createClient, EdgeCacheClient } from "./client.js";
export { jsonCodec, type MessagePackLibrary, msgpackCodec, type ValueCodec } from "./codec.js";
export { EdgeCacheError, type EdgeCacheErrorCode, ERROR_CODES } from "./errors.js";
export type * from "./types.js";
