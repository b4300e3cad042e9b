import { Hono } from "hono";
import { invalidateBodySchema } from "../shared/schemas";
import type { AppEnv } from "./app-env";
import { methodNotAllowed } from "./http/method-not-allowed";
import { readJsonWithLimit } from "./http/read-body";
import { parseOr400 } from "./http/validation";
import { requireScope } from "./middleware/require-scope";

/** POST /v1/invalidate {"tags":[…]}: once it answers, no read returns an entry with those tags. */
export const invalidate = new Hono<AppEnv>()
  .post("/", requireScope("write"), async (c) => {
    const body = parseOr400(invalidateBodySchema, await readJsonWithLimit(c.req.raw, 64 * 1024), "invalid_body");
    const tags = [...new Set(body.tags)];
    await c.get("services").store.invalidateTags(c.get("tenant"), tags);
    return c.json({ invalidated: tags });
  })
  .all("/", methodNotAllowed("POST"));
