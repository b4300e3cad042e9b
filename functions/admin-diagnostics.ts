import { Hono } from "hono";
import { buildDiagnostics } from "../shared/diagnostics/diagnostics-report";
import type { AppEnv } from "./app-env";
import { methodNotAllowed } from "./http/method-not-allowed";

/**
 * GET /admin/diagnostics (ADMIN_TOKEN only): the server's clock, which secrets are set, and when
 * each cron trigger last ran (shared/diagnostics/tick-record.ts), for `npm run doctor`. 503 when
 * Redis cannot be read.
 */
export const adminDiagnostics = new Hono<AppEnv>()
  .get("/", async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await buildDiagnostics(c.get("services")));
  })
  .all("/", methodNotAllowed("GET"));
