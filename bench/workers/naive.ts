/**
 * Scenario (b): what a Worker does without a cache layer, one `@upstash/redis` GET per request.
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
app.get("/v1/cache/:key", async (c) => {
  redis ??= Redis.fromEnv(c.env);
  const value = await redis.get<string>(`naive:${c.req.param("key")}`);
  if (value === null) return c.body(null, 404);
  return c.body(value, 200, { "Content-Type": "text/html; charset=utf-8" });
});
app.put("/v1/cache/:key", async (c) => {
  redis ??= Redis.fromEnv(c.env);
  await redis.set(`naive:${c.req.param("key")}`, await c.req.text());
  return c.body(null, 201);
});

export default { fetch: app.fetch };
