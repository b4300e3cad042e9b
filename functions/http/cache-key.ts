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
  const path = new URL(c.req.url).pathname;
  return { tenant: c.get("tenant"), key: decodeKey(path.slice(prefix.length)) };
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
