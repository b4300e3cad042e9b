import { Hono } from "hono";
import { readMigrationStatus } from "../shared/l2/migration/migration-status";
import type { AppEnv } from "./app-env";
import { methodNotAllowed } from "./http/method-not-allowed";

/**
 * GET /admin/l2-migration (ADMIN_TOKEN only): the phase of a move between two L2 databases, the
 * backfill's progress (keys copied, skipped as newer, hidden, failed; cursor; passes; done) and
 * this isolate's fallbacks, promotions and missed mirrored writes. `{"phase":"off"}` when none.
 */
export const adminL2Migration = new Hono<AppEnv>()
  .get("/", async (c) => {
    const migration = c.get("services").l2?.migration;
    c.header("Cache-Control", "no-store");
    return c.json(migration ? await readMigrationStatus(migration) : { phase: "off", backfill: null, isolate: null });
  })
  .all("/", methodNotAllowed("GET"));
