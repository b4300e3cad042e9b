import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ServedWorker } from "../../bench/http/serve.ts";
import { createAdminClient } from "../../tools/admin/admin-client.ts";
import { type OriginServer, startOriginServer } from "../helpers/node/origin-server.ts";
import { scopedGateway } from "../helpers/node/shared-gateway.ts";
import type { GatewayControl } from "../helpers/worker/gateway-control.ts";
import { type Answer, call, createTenant, errorCode } from "./api.ts";
import { cancelMidFlight } from "./cancel-request.ts";
import { IN_FLIGHT_BOUND_MS, type Isolates, isolatesOf, L2_TIMEOUT_MS } from "./isolates.ts";
import { pollUntil } from "./poll.ts";
import { buildWorkerBundle, type WorkerBundle } from "./worker-bundle.ts";

// Each scenario has workerd drop a request (a connection reset: cancel-request.ts) while it is
// blocked on a hung Redis or origin, before any deadline of its own, so the "in progress" marker
// it set is never cleared by its own code. Then it checks that the marker stops mattering once
// its bound has passed. The polls allow the bound plus generous slack for a busy machine: what
// they tell apart is "within seconds" from "never".
const EXPIRY_TIMEOUT_MS = IN_FLIGHT_BOUND_MS + 4000;

let bundle: WorkerBundle;
let isolates: Isolates;
/** Another isolate of the same bundle, on a gateway scope without faults: where admin changes and deletes are made. */
let other: ServedWorker;
let origin: OriginServer;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  bundle = buildWorkerBundle();
  isolates = isolatesOf(bundle);
  other = await isolates.start(await scopedGateway());
  origin = await startOriginServer();
}, 60_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await other?.dispose();
  await origin?.stop();
  bundle?.remove();
});

/** A fresh isolate whose Redis requests go through a gateway scope of its own, so faults set there touch only it. */
async function isolateUnderTest(vars: Record<string, string> = {}): Promise<{ url: string; faults: GatewayControl }> {
  const scope = await scopedGateway();
  const worker = await isolates.start(scope, vars);
  cleanups.push(
    () => worker.dispose(),
    async () => {
      await scope.control.clearFaults();
    },
  );
  return { url: worker.url, faults: scope.control };
}

/** Whether the scope's gateway has received a request since this was called: with `hang` on, one it now holds. */
async function gatewayReceivesNext(faults: GatewayControl): Promise<() => Promise<boolean>> {
  const before = (await faults.counters()).requests.total;
  return async () => (await faults.counters()).requests.total > before;
}

describe("a request cancelled mid-flight on workerd leaves no per-isolate state stuck", () => {
  it("a cancelled token re-verification does not keep the token valid: a revocation made in another isolate is enforced within the bound", async () => {
    const access = await createTenant(other.url, isolates.adminToken);
    const isolate = await isolateUnderTest();
    expect((await call(isolate.url, "/v1/cache/probe", { token: access.token })).status).toBe(404);
    // Waiting out TOKEN_CACHE_SECONDS, so the next request re-verifies the token with Redis.
    await sleep(1100);

    await isolate.faults.setFaults({ hang: true });
    await cancelMidFlight(`${isolate.url}/v1/cache/probe`, {
      headers: { authorization: `Bearer ${access.token}` },
      isBlocked: await gatewayReceivesNext(isolate.faults),
      deadlineMs: L2_TIMEOUT_MS,
    });
    await isolate.faults.clearFaults();
    await createAdminClient({ url: other.url, adminToken: isolates.adminToken }).revokeToken(access.tenant, access.tokenId);

    const revoked = await pollUntil(
      () => call(isolate.url, "/v1/cache/probe", { token: access.token }),
      (answer) => errorCode(answer) === "token_revoked",
      { timeoutMs: EXPIRY_TIMEOUT_MS },
    );
    expect(revoked.value.status).toBe(401);
  });

  it("a cancelled half-open probe does not hold the circuit half-open: once Redis is back, reads succeed and /health reports closed", async () => {
    const access = await createTenant(other.url, isolates.adminToken);
    // One failure opens the circuit; the token stays verified, so the read's only Redis call is the store's.
    const isolate = await isolateUnderTest({ CIRCUIT_FAILURE_THRESHOLD: "1", TOKEN_CACHE_SECONDS: "60" });
    const read = () => call(isolate.url, "/v1/cache/k", { token: access.token });
    expect((await read()).status).toBe(404);
    await isolate.faults.setFaults({ refuse: true });
    expect((await read()).status).toBe(503);
    await isolate.faults.setFaults({ refuse: false, hang: true });
    // Waiting out CIRCUIT_COOLDOWN_MS: the next Redis call is the half-open probe.
    await sleep(600);

    await cancelMidFlight(`${isolate.url}/v1/cache/k`, {
      headers: { authorization: `Bearer ${access.token}` },
      isBlocked: await gatewayReceivesNext(isolate.faults),
      deadlineMs: L2_TIMEOUT_MS,
    });
    await isolate.faults.clearFaults();

    await pollUntil(read, (answer) => answer.status === 404, { timeoutMs: EXPIRY_TIMEOUT_MS });
    const health = await pollUntil(
      () => call(isolate.url, "/health"),
      (answer) => (answer.body as { status?: string }).status === "ok",
      { timeoutMs: 3000 },
    );
    expect(health.value.body).toMatchObject({ status: "ok", redis: { reachable: true, circuit: "closed" } });
  });

  it("a cancelled L1 revalidation does not keep serving the copy: after a delete in another isolate, this isolate answers 404 within the bound", async () => {
    const access = await createTenant(other.url, isolates.adminToken);
    // The token stays verified, so the read's only Redis call is the copy's revalidation; refresh
    // ahead is off, so the copy is checked on the read's path (the path whose cancellation this tests)
    // rather than behind an earlier response.
    const isolate = await isolateUnderTest({ TOKEN_CACHE_SECONDS: "60", L1_REFRESH_AHEAD_MS: "0" });
    const put = await call(isolate.url, "/v1/cache/page?ttl=300", { token: access.token, method: "PUT", body: "kept in L1" });
    expect(put.status).toBe(201);
    expect((await call(isolate.url, "/v1/cache/page", { token: access.token })).status).toBe(200);
    // Waiting out L1_MAX_TTL_SECONDS: the copy is now served only after a revalidation.
    await sleep(1100);

    await isolate.faults.setFaults({ hang: true });
    await cancelMidFlight(`${isolate.url}/v1/cache/page`, {
      headers: { authorization: `Bearer ${access.token}` },
      isBlocked: await gatewayReceivesNext(isolate.faults),
      deadlineMs: L2_TIMEOUT_MS,
    });
    await isolate.faults.clearFaults();
    expect((await call(other.url, "/v1/cache/page", { token: access.token, method: "DELETE" })).status).toBeLessThan(300);

    const gone = await pollUntil(
      () => call(isolate.url, "/v1/cache/page", { token: access.token }),
      (answer) => answer.status === 404,
      { timeoutMs: EXPIRY_TIMEOUT_MS },
    );
    expect(errorCode(gone.value)).toBe("not_found");
  });

  it("a cancelled read-through leader does not strand later reads: a read joining its load never answers 500, and reads get the origin's value once it answers", async () => {
    const prefix = `/cancel-${Date.now().toString(36)}/`;
    const access = await createTenant(other.url, isolates.adminToken, { originHosts: [origin.host] });
    const plan = { schedule: "1h", targets: [{ key: "page", url: `${origin.url}${prefix}page` }] };
    const created = await call(other.url, "/v1/warm/plans/reads", {
      token: access.token,
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(plan),
    });
    expect(created.status).toBe(201);
    const isolate = await isolateUnderTest({ TOKEN_CACHE_SECONDS: "60" });
    const read = () => call(isolate.url, "/v1/cache/page", { token: access.token });
    await steerOrigin({ prefix, delayMs: 60_000 });

    await cancelMidFlight(`${isolate.url}/v1/cache/page`, {
      headers: { authorization: `Bearer ${access.token}` },
      isBlocked: async () => (await originHits(prefix)) > 0,
      // The origin fetch's own deadline (read-through.ts): only the cancellation may end it sooner.
      deadlineMs: 5000,
    });
    // The leader handed its load to waitUntil, which workerd keeps running after the cancellation:
    // this read joins that load while the origin still hangs, and gives up waiting for it first.
    const joined = await read();
    await steerOrigin({ prefix, body: "from the origin" });
    const later = await pollUntil(read, (answer) => answer.status === 200, { timeoutMs: 15_000, intervalMs: 200 });

    expect(later.value.body).toBe("from the origin");
    expect([joined, ...later.seen].map((answer: Answer) => answer.status)).not.toContain(500);
  }, 40_000);

  it("a cancelled /health probe does not freeze the reported state: later checks probe Redis again after the bound", async () => {
    const isolate = await isolateUnderTest();
    await isolate.faults.setFaults({ refuse: true });
    expect((await call(isolate.url, "/health")).body).toMatchObject({ redis: { reachable: false } });
    // Waiting out the health probe's reuse window (1 s), so the next check probes Redis.
    await sleep(1100);

    await isolate.faults.setFaults({ refuse: false, hang: true });
    await cancelMidFlight(`${isolate.url}/health`, { isBlocked: await gatewayReceivesNext(isolate.faults), deadlineMs: L2_TIMEOUT_MS });
    await isolate.faults.clearFaults();
    const pingsBefore = (await isolate.faults.counters()).commands.byName.ping ?? 0;

    const healthy = await pollUntil(
      () => call(isolate.url, "/health"),
      (answer) => (answer.body as { redis?: { reachable?: boolean } }).redis?.reachable === true,
      { timeoutMs: EXPIRY_TIMEOUT_MS },
    );
    expect(healthy.value.body).toMatchObject({ status: "ok", redis: { circuit: "closed" } });
    expect((await isolate.faults.counters()).commands.byName.ping ?? 0).toBeGreaterThan(pingsBefore);
  });
});

async function steerOrigin(behaviour: { prefix: string; delayMs?: number; body?: string }): Promise<void> {
  const response = await fetch(`${origin.url}/__origin/routes`, { method: "PUT", body: JSON.stringify(behaviour) });
  expect(response.status).toBe(200);
}

async function originHits(prefix: string): Promise<number> {
  const response = await fetch(`${origin.url}/__origin/stats?prefix=${encodeURIComponent(prefix)}`);
  return ((await response.json()) as { total: number }).total;
}
