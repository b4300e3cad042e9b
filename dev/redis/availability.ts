import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * Whether `binary` can be executed: looked up on PATH unless it contains a slash. Checked without
 * spawning, so callers can decide between the local Redis stack and memory-only mode up front.
 */
export function isRedisServerAvailable(binary = "redis-server"): boolean {
  const candidates = binary.includes("/")
    ? [binary]
    : (process.env.PATH ?? "")
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, binary));
  return candidates.some((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
