import { Hono } from "hono";
import { checkHealth } from "../shared/health";
import type { AppEnv } from "./app-env";
import { methodNotAllowed } from "./http/method-not-allowed";

/** GET /health, unauthenticated: service state only, never tenant data. */
export const health = new Hono<AppEnv>()
  .get("/", async (c) => {
    const report = await checkHealth(c.get("services"));
    c.header("Cache-Control", "no-store");
    return c.json(report, report.status === "down" ? 503 : 200);
  })
  .all("/", methodNotAllowed("GET, HEAD"));
