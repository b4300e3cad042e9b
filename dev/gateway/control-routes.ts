import type { IncomingMessage, ServerResponse } from "node:http";
import { bearerToken, sameToken } from "./auth.ts";
import { parseJsonBody, readBody } from "./body.ts";
import type { GatewayContext } from "./context.ts";
import { faultsPatchSchema } from "./faults.ts";
import { GatewayHttpError, sendJson } from "./http-error.ts";
import type { Scope } from "./scopes.ts";

/**
 * `/__control/…`: fault injection, counters and scopes for tests. Guarded by its own token, which
 * the data token never matches, and never subject to the faults it sets.
 *
 *   GET    /faults          faults in force
 *   POST   /faults          merge `{latencyMs, jitterMs, errorRate, errorStatus, hang, refuse, garbage,
 *                            resetAfterApply}`
 *   DELETE /faults          clear all
 *   GET    /counters        requests and commands received
 *   POST   /counters/reset  zero them
 *   POST   /scopes          a new data token with faults and counters of its own
 *
 * Every route but /scopes takes `?scope=<data token>`; without it, the main token's scope.
 */
export async function handleControlRequest(
  context: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  if (!sameToken(bearerToken(req.headers), context.options.controlToken)) {
    throw new GatewayHttpError(401, "ERR invalid control token");
  }
  const route = `${req.method ?? "GET"} ${path}`;
  if (route === "POST /scopes") {
    const scope = context.scopes.create();
    return sendJson(res, 201, JSON.stringify({ token: scope.token }));
  }
  const scope = selectScope(context, query);
  switch (route) {
    case "GET /faults":
      return sendJson(res, 200, JSON.stringify(scope.faults.current));
    case "POST /faults": {
      const parsed = faultsPatchSchema.safeParse(parseJsonBody(await readBody(req, 64 * 1024)));
      if (!parsed.success) throw new GatewayHttpError(400, `ERR invalid faults: ${parsed.error.message}`);
      return sendJson(res, 200, JSON.stringify(scope.faults.update(parsed.data)));
    }
    case "DELETE /faults":
      return sendJson(res, 200, JSON.stringify(scope.faults.clear()));
    case "GET /counters":
      return sendJson(res, 200, JSON.stringify(scope.counters.snapshot()));
    case "POST /counters/reset":
      scope.counters.reset();
      return sendJson(res, 200, JSON.stringify(scope.counters.snapshot()));
    default:
      throw new GatewayHttpError(404, `ERR no control route ${route}`);
  }
}

function selectScope(context: GatewayContext, query: URLSearchParams): Scope {
  const token = query.get("scope");
  if (token === null) return context.scopes.main;
  const scope = context.scopes.find(token);
  if (!scope) throw new GatewayHttpError(404, "ERR unknown scope");
  return scope;
}
