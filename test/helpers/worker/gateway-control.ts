/**
 * Client of the local gateway's control API (dev/gateway/control-routes.ts), built on fetch alone
 * so it runs in workerd tests and Node tests alike. In workerd:
 *
 *   import { env } from "cloudflare:workers";
 *   const control = createGatewayControl({ controlUrl: env.GATEWAY_CONTROL_URL, controlToken: env.GATEWAY_CONTROL_TOKEN });
 *
 * Faults and counters belong to a scope (a data token). Test files run in parallel against one
 * gateway, so a test that injects faults or counts requests should take its own scope with
 * `createScope()` and point its Redis client at `scope.token`.
 */

export interface GatewayFaults {
  /** Added before each answer. */
  latencyMs: number;
  /** Up to this much more, uniformly random. */
  jitterMs: number;
  /** Share of requests (0..1) answered with `errorStatus` and a JSON error. */
  errorRate: number;
  /** 500..599 */
  errorStatus: number;
  /** Never answer; connections close when hang is cleared. */
  hang: boolean;
  /** Reset connections as requests arrive. */
  refuse: boolean;
  /** 200 with a body that is not JSON. */
  garbage: boolean;
  /** The commands run, then the connection is reset instead of answered (a reply lost on its way back). */
  resetAfterApply: boolean;
}

export type EndpointKind = "single" | "pipeline" | "multi-exec";

export interface GatewayCounters {
  requests: { total: number } & Record<EndpointKind, number>;
  /** By lower-case command name. */
  commands: { total: number; byName: Record<string, number>; byScript: Record<string, number> };
}

export interface GatewayControlOptions {
  /** `GATEWAY_CONTROL_URL`: `<origin>/__control` */
  controlUrl: string;
  /** `GATEWAY_CONTROL_TOKEN` */
  controlToken: string;
  /** Data token whose scope to control. @default the gateway's main token */
  scope?: string;
}

export interface GatewayControl {
  /** Merges the given faults over those in force; returns the result. */
  setFaults(faults: Partial<GatewayFaults>): Promise<GatewayFaults>;
  clearFaults(): Promise<GatewayFaults>;
  faults(): Promise<GatewayFaults>;
  counters(): Promise<GatewayCounters>;
  resetCounters(): Promise<void>;
  /** A fresh data token with its own faults and counters, and a control client bound to it. */
  createScope(): Promise<{ token: string; control: GatewayControl }>;
}

/** The control API answered with something other than success. */
export class GatewayControlError extends Error {
  override readonly name = "GatewayControlError";

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function createGatewayControl(options: GatewayControlOptions): GatewayControl {
  const base = options.controlUrl.replace(/\/+$/, "");
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const query = options.scope === undefined || path === "/scopes" ? "" : `?scope=${encodeURIComponent(options.scope)}`;
    const response = await fetch(`${base}${path}${query}`, {
      method,
      headers: { authorization: `Bearer ${options.controlToken}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new GatewayControlError(response.status, `gateway control ${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    setFaults: (faults) => call("POST", "/faults", faults),
    clearFaults: () => call("DELETE", "/faults"),
    faults: () => call("GET", "/faults"),
    counters: () => call("GET", "/counters"),
    resetCounters: async () => {
      await call("POST", "/counters/reset");
    },
    createScope: async () => {
      const { token } = await call<{ token: string }>("POST", "/scopes");
      return { token, control: createGatewayControl({ ...options, scope: token }) };
    },
  };
}
