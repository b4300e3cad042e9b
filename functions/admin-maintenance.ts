import { Hono } from "hono";
import { reindexPage, reindexRequestSchema } from "../shared/reindex";
import type { AppEnv } from "./app-env";
import { methodNotAllowed } from "./http/method-not-allowed";
import { readJsonWithLimit } from "./http/read-body";
import { parseOr400 } from "./http/validation";

/**
 * /admin/maintenance (ADMIN_TOKEN only). `POST /reindex` rebuilds one page of an index from the
 * stored records: after an upgrade to a version that keeps the index, run it from cursor "0"
 * until it answers `"done": true` (`npm run admin -- reindex` does). Idempotent and resumable.
 */
export const adminMaintenance = new Hono<AppEnv>()
  .post("/reindex", async (c) => {
    const request = parseOr400(reindexRequestSchema, await readJsonWithLimit(c.req.raw, 1024), "invalid_body");
    c.header("Cache-Control", "no-store");
    return c.json(await reindexPage(c.get("services"), request));
  })
  .all("/reindex", methodNotAllowed("POST"));
