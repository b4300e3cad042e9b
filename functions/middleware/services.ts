import { createMiddleware } from "hono/factory";
import { errorBody } from "../../shared/errors";
import { log } from "../../shared/log";
import { servicesFor } from "../../shared/services";
import type { AppEnv } from "../app-env";

/**
 * Parses the env once per isolate and puts the isolate's services on the context. A bad env is
 * a JSON 500 naming each bad variable and what is wrong with it, never its value.
 */
export const withServices = createMiddleware<AppEnv>(async function withServices(c, next) {
  const result = servicesFor(c.env);
  if (!result.ok) {
    log("info", "error", "invalid configuration", { requestId: c.get("requestId"), problems: result.problems });
    return c.json(errorBody("misconfigured", `edge-cache is misconfigured: ${result.problems.join("; ")}`), 500);
  }
  c.set("services", result.services);
  await next();
});
