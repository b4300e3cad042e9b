import { Hono } from "hono";
import { createEntry } from "../shared/cache/entry";
import { ApiError } from "../shared/errors";
import { contentTypeSchema, lifetimeSchema } from "../shared/schemas";
import type { AppEnv } from "./app-env";
import { cacheKeyFromPath } from "./http/cache-key";
import { entryHeaders, matchesIfNoneMatch } from "./http/entry-response";
import { writeLifetime } from "./http/lifetime";
import { limitsOf } from "./http/limits";
import { methodNotAllowed } from "./http/method-not-allowed";
import { readBodyWithLimit } from "./http/read-body";
import { readEntry } from "./http/read-entry";
import { respond } from "./http/response-headers";
import { storageFull } from "./http/storage-full";
import { parseOr400 } from "./http/validation";
import { assertScope } from "./middleware/require-scope";

const PREFIX = "/v1/cache/";
// A read filled from its origin is still a miss of the cache.
const READ_COUNTER = { "HIT-L1": "l1Hits", "HIT-L2": "l2Hits", STALE: "staleServed", MISS: "misses" } as const;
// The rest of the path, slashes included; the key itself is read from the raw URL (cache-key.ts).
const KEY_ROUTE = "/:key{.+}";

/**
 * PUT, GET, HEAD and DELETE of one entry at /v1/cache/{key}. The scope check is a call, not a
 * middleware: these are the hottest routes, and each middleware layer costs on every request.
 */
export const cacheEntries = new Hono<AppEnv>()
  .put(KEY_ROUTE, async (c) => {
    assertScope(c.get("token").scopes, "write");
    const { store, stats } = c.get("services");
    const limits = limitsOf(c);
    const key = cacheKeyFromPath(c, PREFIX);
    const lifetime = parseOr400(
      lifetimeSchema(limits),
      { ttl: c.req.query("ttl"), swr: c.req.query("swr"), tags: splitTags(c.req.query("tags")) },
      "invalid_query",
    );
    const contentType = parseOr400(contentTypeSchema, c.req.header("Content-Type") ?? "", "bad_request");
    const onlyIfAbsent = ifNoneMatchStar(c.req.header("If-None-Match"));
    const value = await readBodyWithLimit(c.req.raw, limits.maxValueBytes);

    const now = Date.now();
    const { ttlSeconds, swrSeconds } = writeLifetime(c, limits, { key: key.key, contentType, ttl: lifetime.ttl, swr: lifetime.swr }, now);
    const entry = await createEntry({ value, contentType, ttlSeconds, swrSeconds, tags: lifetime.tags }, now);
    const result = await store.set(key, entry, { onlyIfAbsent, storageBudgetBytes: limits.storageBytes });
    if (result.status === "exists") throw new ApiError(412, "precondition_failed", "An entry exists under this key (If-None-Match: *)");
    if (result.status === "over_budget") throw storageFull(limits.storageBytes);

    stats.add(key.tenant, "sets");
    stats.add(key.tenant, "bytesIn", value.byteLength);
    c.header("ETag", entry.etag);
    if (result.durability === "memory") {
      stats.add(key.tenant, "memoryOnlyWrites");
      return c.json({ stored: "memory", etag: entry.etag }, 202);
    }
    return c.json({ stored: "redis", etag: entry.etag }, 201);
  })
  .get(KEY_ROUTE, async (c) => {
    assertScope(c.get("token").scopes, "read");
    const { stats, metrics } = c.get("services");
    const key = cacheKeyFromPath(c, PREFIX);
    const started = Date.now();
    const found = await readEntry(c, key);
    const now = Date.now();
    const status = found?.status ?? "MISS";
    c.set("cacheStatus", status);
    metrics.observeRead(status, (now - started) / 1000);
    stats.add(key.tenant, READ_COUNTER[status]);
    if (!found) throw new ApiError(404, "not_found", "No entry under this key", { "X-Cache": "MISS" });
    stats.noteRead(key.tenant, key.key);
    const headers = entryHeaders(found.entry, status, now);
    if (matchesIfNoneMatch(c.req.header("If-None-Match"), found.entry.etag)) return respond(c, null, 304, headers);
    if (c.req.method === "GET") stats.add(key.tenant, "bytesOut", found.entry.value.byteLength);
    return respond(c, found.entry.value as Uint8Array<ArrayBuffer>, 200, headers);
  })
  .delete(KEY_ROUTE, async (c) => {
    assertScope(c.get("token").scopes, "write");
    const { store, stats } = c.get("services");
    const key = cacheKeyFromPath(c, PREFIX);
    await store.delete(key);
    stats.add(key.tenant, "deletes");
    return c.body(null, 204);
  })
  .all(KEY_ROUTE, methodNotAllowed("GET, HEAD, PUT, DELETE"))
  .all("/*", () => {
    throw new ApiError(400, "invalid_key", "A key is required: /v1/cache/{key}");
  });

function splitTags(raw: string | undefined): string[] | undefined {
  return raw === undefined || raw === "" ? undefined : raw.split(",").map((tag) => tag.trim());
}

function ifNoneMatchStar(header: string | undefined): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  throw new ApiError(400, "bad_request", "On PUT, If-None-Match accepts only '*'");
}
