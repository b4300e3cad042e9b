import { Hono } from "hono";
import type { AppEnv } from "./app-env";
import { requireScope } from "./middleware/require-scope";

/**
 * DELETE /v1/cache: every entry of the calling tenant disappears at once. It raises the
 * tenant's clear watermark (one command, whatever the tenant holds); old entries stay invisible
 * until Redis expires them. No pattern from the client is ever involved.
 */
export const tenantClear = new Hono<AppEnv>().delete("/", requireScope("manage"), async (c) => {
  await c.get("services").store.clear(c.get("tenant"));
  return c.body(null, 204);
});
