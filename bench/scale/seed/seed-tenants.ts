import { createAdminClient } from "../../../tools/admin/admin-client.ts";
import { runPool } from "./pool.ts";
import { browserTokenOrigin, PLAN_NAME, planBody, type SeededTenant, tenantId, tenantOrigin } from "./tenant-fixture.ts";

export interface SeedOptions {
  workerUrl: string;
  adminToken: string;
  /** The local origin server warm plans fetch from. */
  origin: { url: string; host: string };
  /** Tenant indexes [from, to). */
  from: number;
  to: number;
  concurrency: number;
}

export interface SeedTiming {
  tenants: number;
  /** Admin and API requests sent (four per tenant). */
  requests: number;
  seconds: number;
}

/** Admin and API calls that make one tenant; the order matters (the plan needs the token). */
export const REQUESTS_PER_TENANT = 4;

/**
 * Creates tenants through the admin API, as an operator would, so every index the API maintains
 * (origins, tokens, warm due times) is built by the code under test: a tenant with its own
 * browser origin, a server token (read, write, manage), a browser token bound to an origin of
 * its own, and one warm plan put through the tenant API.
 */
export async function seedTenants(options: SeedOptions, into: SeededTenant[]): Promise<SeedTiming> {
  const admin = createAdminClient({ url: options.workerUrl, adminToken: options.adminToken });
  const started = performance.now();
  await runPool(options.to - options.from, options.concurrency, async (offset) => {
    const index = options.from + offset;
    const id = tenantId(index);
    await admin.createTenant({ id, name: `scale ${index}`, allowedOrigins: [tenantOrigin(index)], originHosts: [options.origin.host] });
    const server = await admin.issueToken(id, { name: "server", scopes: ["read", "write", "manage"] });
    const browser = await admin.issueToken(id, { name: "browser", scopes: ["read"], allowedOrigins: [browserTokenOrigin(index)] });
    const response = await fetch(`${options.workerUrl}/v1/warm/plans/${PLAN_NAME}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      body: JSON.stringify(planBody(index, options.origin.url)),
    });
    const body = await response.text();
    if (response.status !== 201 && response.status !== 200)
      throw new Error(`edge-cache bench: the warm plan of ${id} answered ${response.status}: ${body.slice(0, 300)}`);
    into[index] = { index, id, serverToken: server.token, browserToken: browser.token };
  });
  const count = options.to - options.from;
  return { tenants: count, requests: count * REQUESTS_PER_TENANT, seconds: (performance.now() - started) / 1000 };
}
