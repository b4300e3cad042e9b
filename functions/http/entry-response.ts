import { ageSeconds, type Entry, isFresh, remainingFreshSeconds } from "../../shared/cache/entry";
import type { Lookup } from "../../shared/cache/store";

export type CacheStatus = "HIT-L1" | "HIT-L2" | "STALE" | "MISS";

/** STALE whenever the copy is past its freshness or was served because Redis failed. */
export function cacheStatus(lookup: Lookup, now: number): CacheStatus {
  if (lookup.degraded || !isFresh(lookup.entry, now)) return "STALE";
  return lookup.tier === "l1" ? "HIT-L1" : "HIT-L2";
}

export function entryHeaders(entry: Entry, status: CacheStatus, now: number): Record<string, string> {
  return {
    "Content-Type": entry.contentType,
    ETag: entry.etag,
    Age: String(ageSeconds(entry, now)),
    // private: values belong to one tenant's caller; shared caches must not keep them.
    "Cache-Control": `private, max-age=${remainingFreshSeconds(entry, now)}`,
    "X-Cache": status,
  };
}

/** RFC 9110 §13.1.2: weak comparison, a list of tags, or `*`. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === bare);
}
