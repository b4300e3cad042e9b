/**
 * Scenario (a'), the ceiling with edge-cache's wire contract: the bare route of limit.ts, sending
 * the nine headers edge-cache's L1 hit sends (a fresh request id, the API's three security
 * headers, the entry's type, ETag, Age, Cache-Control and X-Cache). Every header is work for
 * the runtime on each response, in the worker and in the hops around it; this route has that
 * work and none of the cache's, so l1-hit against it is the cost of the cache's code alone.
 */
import { Hono } from "hono";
import { VALUE } from "./value.ts";

const ENTRY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
  "Referrer-Policy": "no-referrer",
  "Content-Type": "text/html; charset=utf-8",
  ETag: '"Yx3m0b1sZk9pQ2rT7uVw4A"',
  Age: "0",
  "Cache-Control": "private, max-age=86400",
  "X-Cache": "HIT-L1",
};

const app = new Hono();
app.get("/v1/cache/*", (c) => c.body(VALUE, 200, { ...ENTRY_HEADERS, "X-Request-Id": crypto.randomUUID() }));

export default { fetch: app.fetch };
