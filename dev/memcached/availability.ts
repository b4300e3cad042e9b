import { isRedisServerAvailable } from "../redis/availability.ts";

/**
 * Whether `binary` can be executed (looked up on PATH unless it contains a slash), checked without
 * spawning, so tests that need memcached can say why they cannot run. The check is the one the
 * redis launcher uses: it knows nothing of Redis but the default name.
 */
export function isMemcachedAvailable(binary = "memcached"): boolean {
  return isRedisServerAvailable(binary);
}
