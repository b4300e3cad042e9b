import type { Context } from "hono";
import { type EntryKey, isValidKey, MAX_KEY_BYTES } from "../../shared/cache/keys";
import { ApiError } from "../../shared/errors";
import type { AppEnv } from "../app-env";

/**
 * The cache key is everything after `prefix` in the raw path, percent-decoded once. `/` may
 * appear inside a key; `%2F` works too, and is the only way to keep `.` and `..` segments,
 * which URL parsing removes before a Worker sees the path.
 */
export function cacheKeyFromPath(c: Context<AppEnv>, prefix: string): EntryKey {
  return { tenant: c.get("tenant"), key: decodeKey(rawPath(c.req.url).slice(prefix.length)) };
}

/**
 * The path of a request URL as the runtime serialized it (already normalized, still
 * percent-encoded), without parsing the whole URL again.
 */
export function rawPath(url: string): string {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  if (start === -1) return "/";
  const query = url.indexOf("?", start);
  return query === -1 ? url.slice(start) : url.slice(start, query);
}

export function decodeKey(encoded: string): string {
  let key: string;
  try {
    key = decodeURIComponent(encoded);
  } catch {
    throw new ApiError(400, "invalid_key", "Key is not valid percent-encoded UTF-8");
  }
  assertValidKey(key);
  return key;
}

export function assertValidKey(key: string): void {
  if (!isValidKey(key)) throw new ApiError(400, "invalid_key", `Keys are 1 to ${MAX_KEY_BYTES} bytes of UTF-8`);
}
