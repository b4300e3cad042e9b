import { randomBytes } from "node:crypto";
import { generateToken } from "../../../shared/tenants/token-format.ts";
import { createAdminClient } from "../../../tools/admin/admin-client.ts";
import { VALUE } from "../../workers/value.ts";
import { browserTokenOrigin, type SeededTenant, tenantOrigin } from "../seed/tenant-fixture.ts";
import type { ScaleStack } from "../stack/scale-stack.ts";
import type { CostMeter } from "./cost.ts";
import { addSamples, type OperationId, type OperationSample, type SizeSamples } from "./operations.ts";
import { sampleTenants } from "./sample-tenants.ts";
import { type TimedResponse, timedFetch } from "./timed-fetch.ts";

export interface ColdRequestContext {
  stack: ScaleStack;
  meter: CostMeter;
  tenants: readonly SeededTenant[];
  /** GETs and PUTs per repetition. */
  dataSamples: number;
  /** Fresh isolates before each cold request. @default true; false only for an unmeasured pass */
  freshIsolates?: boolean;
}

/** Longer than the run, so nothing written for a measurement expires during it. */
const LONG_TTL = 86_400;
const CONTENT_TYPE = "text/html; charset=utf-8";
const getKey = (rep: number, i: number) => `scale/get/${rep}/${i}`;
const putKey = (rep: number, i: number) => `scale/put/${rep}/${i}`;

/**
 * One repetition of the request measurements at one size. What a measurement needs written
 * (a revoked token, the values to GET) is written first; then before each cold request the
 * serving isolate is replaced by a fresh one, so it meets cold per-isolate caches: no origin,
 * token or L1 entry is known to the isolate that answers it. PUTs and GETs follow in the last
 * one, with their tenant's token verified first.
 */
export async function measureColdRequests(ctx: ColdRequestContext, size: number, reps: number, rep: number): Promise<SizeSamples> {
  const { stack, meter } = ctx;
  const base = stack.worker.url;
  const picked = sampleTenants(size, reps, rep);
  const tenant = (index: number) => {
    const found = ctx.tenants[index];
    if (!found) throw new Error(`edge-cache bench: tenant ${index} was not seeded`);
    return found;
  };
  const revokedToken = await issueRevokedToken(ctx, tenant(picked.tokenRevoked));
  const data = tenant(picked.data);
  await writeValues(
    base,
    data.serverToken,
    Array.from({ length: ctx.dataSamples }, (_, i) => getKey(rep, i)),
  );

  const samples: SizeSamples = {};
  // Each measured request gets isolates of its own: a cache filled by one (all origins at once,
  // say) must not make the next one look cheap.
  const measureCold = async (id: OperationId, send: () => Promise<TimedResponse>) => {
    if (ctx.freshIsolates !== false) await stack.worker.restart();
    // Builds the isolate's services (env, clients) on a route that touches no cache under test.
    await timedFetch(`${base}/__scale/warm-up`);
    const { value, cost } = await meter.measure([stack.scopes.edge], send);
    const sample: OperationSample = { status: String(value.status), ms: value.ms, ...cost };
    if (value.errorCode) sample.errorCode = value.errorCode;
    addSamples(samples, id, [sample]);
  };
  const measureWarm = async (id: OperationId, send: () => Promise<TimedResponse>) => {
    const { value, cost } = await meter.measure([stack.scopes.edge], send);
    addSamples(samples, id, [{ status: String(value.status), ms: value.ms, ...cost }]);
  };
  const preflight = (origin: string) => () =>
    timedFetch(`${base}/v1/cache/scale-probe`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "authorization" },
    });
  const bearerGet = (token: string, key: string) => () =>
    timedFetch(`${base}/v1/cache/${key}`, { headers: { authorization: `Bearer ${token}` } });

  await measureCold("preflight-tenant-origin", preflight(tenantOrigin(picked.preflightTenant)));
  await measureCold("preflight-token-origin", preflight(browserTokenOrigin(picked.preflightToken)));
  await measureCold("preflight-unknown-origin", preflight(`https://nobody-${randomBytes(6).toString("hex")}.scale.example`));
  await measureCold("token-known", bearerGet(tenant(picked.tokenKnown).serverToken, "scale/missing"));
  await measureCold("token-unknown", bearerGet(generateToken(), "scale/missing"));
  await measureCold("token-revoked", bearerGet(revokedToken, "scale/missing"));

  // The data tenant's token is verified first, so PUT and GET measure the operation alone.
  await timedFetch(`${base}/v1/cache/scale/missing`, { headers: { authorization: `Bearer ${data.serverToken}` } });
  for (let i = 0; i < ctx.dataSamples; i++)
    await measureWarm("put", () =>
      timedFetch(`${base}/v1/cache/${putKey(rep, i)}?ttl=${LONG_TTL}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${data.serverToken}`, "content-type": CONTENT_TYPE },
        body: VALUE,
      }),
    );
  for (let i = 0; i < ctx.dataSamples; i++) await measureWarm("get-l2", bearerGet(data.serverToken, getKey(rep, i)));
  return samples;
}

async function issueRevokedToken(ctx: ColdRequestContext, tenant: SeededTenant): Promise<string> {
  const admin = createAdminClient({ url: ctx.stack.worker.url, adminToken: ctx.stack.adminToken });
  const issued = await admin.issueToken(tenant.id, { name: "revoked", scopes: ["read"] });
  await admin.revokeToken(tenant.id, issued.id);
  return issued.token;
}

async function writeValues(base: string, token: string, keys: string[]): Promise<void> {
  const response = await fetch(`${base}/v1/batch`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ set: keys.map((key) => ({ key, value: VALUE, ttl: LONG_TTL, contentType: CONTENT_TYPE })) }),
  });
  const body = await response.text();
  if (response.status !== 200 || body.includes('"status":"error"'))
    throw new Error(`edge-cache bench: writing the values to GET answered ${response.status}: ${body.slice(0, 300)}`);
}
