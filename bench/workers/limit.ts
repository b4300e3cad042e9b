/**
 * Scenario (a), the ceiling: a bare Hono route answering the 1 KiB value from a constant. Same
 * path and headers as edge-cache's GET, served by the same Miniflare setup, so the gap between
 * this and edge-cache is the cost of the cache itself.
 */
import { Hono } from "hono";
import { VALUE } from "./value.ts";

const app = new Hono();
app.get("/v1/cache/*", (c) => c.body(VALUE, 200, { "Content-Type": "text/html; charset=utf-8" }));

export default { fetch: app.fetch };
