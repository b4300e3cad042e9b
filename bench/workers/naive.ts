/**
 * Scenario (b): what a Worker does without a cache layer, one `@upstash/redis` GET per request;
 * also the hand-written counterparts of a SET (one SET) and of a batch of GETs (one MGET).
 * The SDK keeps its defaults (auto-pipelining and automatic deserialization on, base64 response
 * encoding, its own retries): that is the naive baseline a team would start from.
 */
import { Redis } from "@upstash/redis/cloudflare";
import { Hono } from "hono";

interface Bindings {
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
}

// One client per isolate, as the SDK's docs suggest; building one per request would be slower still.
let redis: Redis | undefined;

const app = new Hono<{ Bindings: Bindings }>();
app.get("/v1/cache/:key{.+}", async (c) => {
  redis ??= Redis.fromEnv(c.env);
  const value = await redis.get<string>(`naive:${c.req.param("key")}`);
  if (value === null) return c.body(null, 404);
  return c.body(value, 200, { "Content-Type": "text/html; charset=utf-8" });
});
app.put("/v1/cache/:key{.+}", async (c) => {
  redis ??= Redis.fromEnv(c.env);
  await redis.set(`naive:${c.req.param("key")}`, await c.req.text());
  return c.body(null, 201);
});

// What a team would write for a batch read: one MGET for all the keys, the values in request order.
app.post("/v1/batch", async (c) => {
  redis ??= Redis.fromEnv(c.env);
  const { get } = await c.req.json<{ get: string[] }>();
  const values = await redis.mget<(string | null)[]>(...get.map((key) => `naive:${key}`));
  return c.json({ values });
});

export default { fetch: app.fetch };
