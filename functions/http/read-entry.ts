import type { Context } from "hono";
import type { Entry } from "../../shared/cache/entry";
import type { EntryKey } from "../../shared/cache/keys";
import type { Lookup } from "../../shared/cache/store";
import { ApiError } from "../../shared/errors";
import type { AppEnv } from "../app-env";
import { type CacheStatus, cacheStatus } from "./entry-response";
import { inRequestBudget } from "./request-budget";
import { waitUntilOf } from "./wait-until";
import { warmingOf } from "./warming";

/**
 * A GET's lookup: the tiers first; for a key with an origin (a warm plan target), a miss is
 * filled from the origin and a stale hit is refreshed behind the response. An L1 copy within its
 * bound answers without entering the request's Redis budget; anything else runs in it.
 */
export async function readEntry(c: Context<AppEnv>, key: EntryKey): Promise<{ entry: Entry; status: CacheStatus } | undefined> {
  const { store } = c.get("services");
  const waitUntil = waitUntilOf(c);
  const served = store.getFromMemory(key, { background: waitUntil });
  if (served) return found(c, key, served, waitUntil);
  return inRequestBudget(c, () => readThroughTiers(c, key, waitUntil));
}

async function readThroughTiers(
  c: Context<AppEnv>,
  key: EntryKey,
  waitUntil: (work: Promise<unknown>) => void,
): Promise<{ entry: Entry; status: CacheStatus } | undefined> {
  const { store, originReads } = c.get("services");
  const lookup = await store.get(key, { background: waitUntil });
  if (lookup) return found(c, key, lookup, waitUntil);
  if (!originReads) return undefined;
  const filled = await originReads.fillMiss(key, warmingOf(c), waitUntil);
  if (filled.status === "filled") return { entry: filled.entry, status: "MISS" };
  if (filled.status === "failed")
    throw new ApiError(502, "origin_unavailable", "The key's origin did not answer usably", { "X-Cache": "MISS" });
  return undefined;
}

function found(
  c: Context<AppEnv>,
  key: EntryKey,
  lookup: Lookup,
  waitUntil: (work: Promise<unknown>) => void,
): { entry: Entry; status: CacheStatus } {
  const { originReads } = c.get("services");
  const status = cacheStatus(lookup, Date.now());
  if (lookup.entry.origin && originReads) {
    originReads.noteRead(key, waitUntil);
    // Degraded means Redis is failing: the refresh would fail too, and add load.
    if (status === "STALE" && !lookup.degraded) originReads.refreshStale(key, lookup.entry, warmingOf(c), waitUntil);
  }
  return { entry: lookup.entry, status };
}
