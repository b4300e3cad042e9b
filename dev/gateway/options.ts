import { randomBytes } from "node:crypto";

export interface GatewayOptions {
  /** Redis to talk to (RESP2). @default "redis://127.0.0.1:6379" */
  redisUrl?: string;
  /** Bearer token for data requests. @default 32 random bytes, hex */
  token?: string;
  /** Bearer token for the control API; never accepted for data. @default 32 random bytes, hex */
  controlToken?: string;
  /** Interface to listen on. @default "127.0.0.1" */
  host?: string;
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /**
   * Path the REST API is mounted under: `<mountPath>`, `<mountPath>/pipeline` and
   * `<mountPath>/multi-exec`. The control API always lives at `/__control`.
   * @default "/"
   */
  mountPath?: string;
  /** Largest request body accepted, matching Upstash's request limit. @default 10 MiB */
  maxBodyBytes?: number;
  /** Idle Redis connections kept for reuse. @default 16 */
  maxIdleConnections?: number;
  /** Time allowed to open a Redis connection before the request fails with 503. @default 2000 */
  connectTimeoutMs?: number;
  /** Time allowed for Redis to answer before the request fails with 503. @default 30_000 */
  commandTimeoutMs?: number;
}

export type ResolvedGatewayOptions = Required<GatewayOptions>;

/** Thrown while building a gateway whose options cannot work; never per request. */
export class GatewayConfigError extends Error {
  override readonly name = "GatewayConfigError";
}

export const CONTROL_PREFIX = "/__control";

export function resolveGatewayOptions(options: GatewayOptions): ResolvedGatewayOptions {
  const resolved: ResolvedGatewayOptions = {
    redisUrl: options.redisUrl ?? "redis://127.0.0.1:6379",
    token: options.token ?? randomBytes(32).toString("hex"),
    controlToken: options.controlToken ?? randomBytes(32).toString("hex"),
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    mountPath: normaliseMountPath(options.mountPath ?? "/"),
    maxBodyBytes: options.maxBodyBytes ?? 10 * 1024 * 1024,
    maxIdleConnections: options.maxIdleConnections ?? 16,
    connectTimeoutMs: options.connectTimeoutMs ?? 2000,
    commandTimeoutMs: options.commandTimeoutMs ?? 30_000,
  };
  if (resolved.token === resolved.controlToken) {
    throw new GatewayConfigError("the control token must differ from the data token");
  }
  if (resolved.token === "" || resolved.controlToken === "") {
    throw new GatewayConfigError("tokens must not be empty");
  }
  if (resolved.mountPath === CONTROL_PREFIX || resolved.mountPath.startsWith(`${CONTROL_PREFIX}/`)) {
    throw new GatewayConfigError(`mountPath must not be under ${CONTROL_PREFIX}`);
  }
  return resolved;
}

/** "/", or a path with a leading slash and no trailing one: "/v1/redis". */
function normaliseMountPath(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}
