import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { GatewayContext } from "./context.ts";
import { handleControlRequest } from "./control-routes.ts";
import { handleDataRequest } from "./data-routes.ts";
import { GatewayHttpError, sendError } from "./http-error.ts";
import { CONTROL_PREFIX, type GatewayOptions, resolveGatewayOptions } from "./options.ts";
import { RedisPool } from "./redis-pool.ts";
import { route } from "./routing.ts";
import { Scopes } from "./scopes.ts";
import { UpstashScriptFlags } from "./script-flags.ts";
import { SyncToken } from "./sync-token.ts";

export interface Gateway {
  /** Base URL for the SDK (`UPSTASH_REDIS_REST_URL`), mount path included. */
  url: string;
  /** Base URL of the control API: `<origin>/__control`. */
  controlUrl: string;
  /** `UPSTASH_REDIS_REST_TOKEN` */
  token: string;
  controlToken: string;
  port: number;
  /** Closes every connection, held ones included, and the Redis pool. */
  stop(): Promise<void>;
}

/** An Upstash-compatible REST gateway in front of a Redis, listening once this resolves. */
export async function createGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const resolved = resolveGatewayOptions(options);
  const context: GatewayContext = {
    options: resolved,
    scopes: new Scopes(resolved.token),
    pool: new RedisPool({
      url: resolved.redisUrl,
      maxIdle: resolved.maxIdleConnections,
      connectTimeoutMs: resolved.connectTimeoutMs,
      commandTimeoutMs: resolved.commandTimeoutMs,
    }),
    syncToken: new SyncToken(),
    scriptFlags: new UpstashScriptFlags(),
  };
  // No request timeout: a hang fault must hold a request for as long as the test wants.
  const server = createServer({ requestTimeout: 0 }, (req, res) => {
    void dispatch(context, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${resolved.host.includes(":") ? `[${resolved.host}]` : resolved.host}:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    url: `${origin}${resolved.mountPath === "/" ? "" : resolved.mountPath}`,
    controlUrl: `${origin}${CONTROL_PREFIX}`,
    token: resolved.token,
    controlToken: resolved.controlToken,
    port,
    stop() {
      stopping ??= (async () => {
        context.scopes.releaseHeld();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await context.pool.close();
      })();
      return stopping;
    },
  };
}

async function dispatch(context: GatewayContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? "/", "http://gateway");
    const target = route(url.pathname, context.options.mountPath);
    if (target.kind === "data") await handleDataRequest(context, req, res, target.endpoint);
    else if (target.kind === "control") await handleControlRequest(context, req, res, target.path, url.searchParams);
    else throw new GatewayHttpError(404, `ERR no such endpoint: ${url.pathname}`);
  } catch (error) {
    if (error instanceof GatewayHttpError) sendError(res, error.status, error.message);
    else sendError(res, 500, `ERR gateway failure: ${error instanceof Error ? error.message : String(error)}`);
  }
}
