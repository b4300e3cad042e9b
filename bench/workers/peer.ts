/**
 * Scenario (c), the closest published relative: `@unkey/cache` 1.5 with its memory store in
 * front of its Upstash store, wired the way unkey's own API does it (module-scope map, a
 * namespace built per request with that request's waitUntil).
 *
 *   GET /v1/cache/:key       the read being compared
 *   PUT /v1/cache/:key       sets through the cache: memory and Upstash (unkey does not await the Upstash write)
 *   PUT /seed-l2/:key        writes the entry to Upstash only, as another isolate's write would
 */
import { createCache, Namespace } from "@unkey/cache";
import { MemoryStore, UpstashRedisStore } from "@unkey/cache/stores";
import { Redis } from "@upstash/redis/cloudflare";
import { Hono } from "hono";

interface Bindings {
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
}

const NAMESPACE = "bench";
// Long enough that no entry turns stale during a run: the comparison is of reads, not refreshes.
const FRESH_MS = 3_600_000;
const STALE_MS = 7_200_000;

const persistentMap = new Map();
let redis: Redis | undefined;

function cacheFor(env: Bindings, waitUntil: (promise: Promise<unknown>) => void) {
  redis ??= Redis.fromEnv(env);
  const stores = [new MemoryStore<string, string>({ persistentMap }), new UpstashRedisStore<string, string>({ redis })];
  return createCache<{ bench: string }>({ bench: new Namespace<string>({ waitUntil }, { stores, fresh: FRESH_MS, stale: STALE_MS }) });
}

const app = new Hono<{ Bindings: Bindings }>();
app.get("/v1/cache/:key", async (c) => {
  const cache = cacheFor(c.env, (promise) => c.executionCtx.waitUntil(promise));
  const result = await cache.bench.get(c.req.param("key"));
  if (result.err) return c.body(null, 503);
  if (result.val === undefined || result.val === null) return c.body(null, 404);
  return c.body(result.val, 200, { "Content-Type": "text/html; charset=utf-8" });
});
app.put("/v1/cache/:key", async (c) => {
  const cache = cacheFor(c.env, (promise) => c.executionCtx.waitUntil(promise));
  const result = await cache.bench.set(c.req.param("key"), await c.req.text());
  return c.body(null, result.err ? 503 : 201);
});
app.put("/seed-l2/:key", async (c) => {
  redis ??= Redis.fromEnv(c.env);
  const now = Date.now();
  const entry = { value: await c.req.text(), freshUntil: now + FRESH_MS, staleUntil: now + STALE_MS };
  // The key layout and entry shape of @unkey/cache's UpstashRedisStore.
  await redis.set(`${NAMESPACE}::${c.req.param("key")}`, entry, { pxat: entry.staleUntil });
  return c.body(null, 201);
});

export default { fetch: app.fetch };
