import { Hono } from "hono";
import { ApiError } from "../shared/errors";
import { PrefixLengthsExhaustedError } from "../shared/redis/request-errors";
import { invalidateBodySchema } from "../shared/schemas";
import type { AppEnv } from "./app-env";
import { methodNotAllowed } from "./http/method-not-allowed";
import { readJsonWithLimit } from "./http/read-body";
import { parseOr400 } from "./http/validation";
import { requireScope } from "./middleware/require-scope";

/**
 * POST /v1/invalidate {"tags":[…], "prefixes":[…]}: once it answers, no read returns an entry
 * written before it that carries one of the tags or whose key starts with one of the prefixes.
 */
export const invalidate = new Hono<AppEnv>()
  .post("/", requireScope("write"), async (c) => {
    const body = parseOr400(invalidateBodySchema, await readJsonWithLimit(c.req.raw, 64 * 1024), "invalid_body");
    const tags = [...new Set(body.tags)];
    const prefixes = [...new Set(body.prefixes)];
    const { store, stats } = c.get("services");
    const tenant = c.get("tenant");
    try {
      await store.invalidate(tenant, { tags, prefixes });
    } catch (error) {
      if (error instanceof PrefixLengthsExhaustedError)
        throw new ApiError(
          409,
          "too_many_prefix_lengths",
          `This tenant's prefix invalidations already use ${error.maxLengths} distinct prefix lengths (in bytes); reuse one of those lengths, wait for old invalidations to age out, or clear the tenant`,
        );
      throw error;
    }
    stats.add(tenant, "tagInvalidations", tags.length);
    stats.add(tenant, "prefixInvalidations", prefixes.length);
    return c.json({ invalidated: tags, invalidatedPrefixes: prefixes });
  })
  .all("/", methodNotAllowed("POST"));
