import { createAdminClient } from "../../../tools/admin/admin-client.ts";
import { VALUE } from "../../workers/value.ts";

export const FLOODER = "noisy-a";
export const STEADY = "steady-b";
export const STEADY_KEYS = 200;
export const STEADY_KEY_PREFIX = "/v1/cache/b/k";
export const CONTENT_TYPE = "text/html; charset=utf-8";
export const LONG_TTL_QUERY = "?ttl=86400";
/** The key the flooder reads at ten times its rate limit. */
export const FLOODER_KEY_PATH = "/v1/cache/a/hot";

/**
 * The flooder's warm plans: every one at the highest priority, every minute, and far too big for
 * one invocation (the default cap of targets per plan), so a started run stays unfinished, and
 * due, at every tick of the scenario.
 */
export const FLOOD_PLANS = 10;
export const FLOOD_PLAN_TARGETS = 1000;

export interface NoisyTenants {
  /** A's read, write and manage token: its oversized batches and its plans. */
  flooderToken: string;
  /** A's read token with a rate limit of its own, which its flood exceeds tenfold. */
  limitedToken: string;
  /** read, write, manage; no rate limit. */
  steadyToken: string;
  /** When B's every-minute plan was put: it is first due at the next minute. */
  steadyPlanAt: number;
}

export interface NoisyTenantOptions {
  workerUrl: string;
  adminToken: string;
  origin: { url: string; host: string };
  /** The rate limit of the flooder's limited token, per second. */
  flooderRatePerSecond: number;
}

/**
 * Tenant A (the flooder) and tenant B (steady traffic), made through the admin and tenant APIs.
 * A's rate limit is on one of its tokens, the one its over-the-limit stream uses: a limit on the
 * whole tenant would answer its oversized batches 429 before their size is ever looked at.
 */
export async function createNoisyTenants(options: NoisyTenantOptions): Promise<NoisyTenants> {
  const admin = createAdminClient({ url: options.workerUrl, adminToken: options.adminToken });
  const scopes = ["read", "write", "manage"];
  const api = async (token: string, method: string, path: string, body: string, contentType: string) => {
    const response = await fetch(`${options.workerUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": contentType },
      body,
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`edge-cache bench: ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  };
  const putPlan = (token: string, name: string, plan: Record<string, unknown>) =>
    api(token, "PUT", `/v1/warm/plans/${name}`, JSON.stringify(plan), "application/json");

  await admin.createTenant({ id: FLOODER, name: "noisy neighbour A", originHosts: [options.origin.host] });
  const flooder = await admin.issueToken(FLOODER, { name: "flooder", scopes });
  for (let p = 0; p < FLOOD_PLANS; p++)
    await putPlan(flooder.token, `flood-${p}`, {
      schedule: "1m",
      priority: 100,
      ttl: 600,
      targets: [
        { urlTemplate: `${options.origin.url}/a/p${p}/{key}`, keys: Array.from({ length: FLOOD_PLAN_TARGETS }, (_, k) => `a/p${p}/k${k}`) },
      ],
      limits: { concurrency: 6 },
    });
  await api(flooder.token, "PUT", `${FLOODER_KEY_PATH}${LONG_TTL_QUERY}`, VALUE, CONTENT_TYPE);
  // A new plan is first due at its next slot; a run started now leaves each one unfinished,
  // which makes it due at once, and at every tick after.
  for (let p = 0; p < FLOOD_PLANS; p++) await api(flooder.token, "POST", `/v1/warm/plans/flood-${p}/run`, "", "application/json");

  await admin.createTenant({ id: STEADY, name: "steady neighbour B", originHosts: [options.origin.host] });
  const steady = await admin.issueToken(STEADY, { name: "steady", scopes });
  await putPlan(steady.token, "b", {
    schedule: "1m",
    priority: 0,
    ttl: 600,
    targets: [{ urlTemplate: `${options.origin.url}/b/{key}`, keys: ["home", "menu", "footer"] }],
  });
  const steadyPlanAt = Date.now();
  for (let from = 0; from < STEADY_KEYS; from += 100) {
    const set = Array.from({ length: Math.min(100, STEADY_KEYS - from) }, (_, i) => ({
      key: `b/k${from + i}`,
      value: VALUE,
      ttl: 86_400,
      contentType: CONTENT_TYPE,
    }));
    await api(steady.token, "POST", "/v1/batch", JSON.stringify({ set }), "application/json");
  }
  const limited = await admin.issueToken(FLOODER, {
    name: "limited",
    scopes: ["read"],
    rateLimit: { requests: options.flooderRatePerSecond, windowSeconds: 1 },
  });
  return { flooderToken: flooder.token, limitedToken: limited.token, steadyToken: steady.token, steadyPlanAt };
}
