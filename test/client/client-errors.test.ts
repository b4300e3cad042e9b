import { describe, expect, expectTypeOf, it } from "vitest";
import { createClient, EdgeCacheError, type EdgeCacheErrorCode } from "../../client/index";
import type { ErrorCode } from "../../shared/errors";
import { gatewayScope, testApp } from "../helpers/worker/test-env";
import { BASE_URL, clientFor, fetchThrough, settleAborted } from "./client-harness";

async function rejection(promise: Promise<unknown>): Promise<EdgeCacheError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EdgeCacheError);
  return error as EdgeCacheError;
}

describe("edge-cache/client: errors", () => {
  it("knows exactly the server's error codes", () => {
    expectTypeOf<EdgeCacheErrorCode>().toEqualTypeOf<ErrorCode>();
  });

  it("maps 401 to unauthorized and token_revoked, with the request id", async () => {
    const app = await testApp({ tenants: 1 });
    const alice = app.tenants[0]!;
    const bogus = await rejection(clientFor(app, { token: "ec_not-a-token" }).get("k"));
    expect(bogus).toMatchObject({ name: "EdgeCacheError", status: 401, code: "unauthorized", retryable: false });
    expect(bogus.requestId).toMatch(/.+/);
    expect(bogus.message).not.toBe("");

    await app.admin(`/admin/tenants/${alice.tenant}/tokens/${alice.tokenId}`, { method: "DELETE" });
    expect(await rejection(clientFor(app, alice).get("k"))).toMatchObject({ status: 401, code: "token_revoked" });
  });

  it("maps 403 to insufficient_scope for a read token that writes or reads stats", async () => {
    const app = await testApp({ tenants: 1 });
    const reader = clientFor(app, await app.issueToken(app.tenants[0]!, { scopes: ["read"] }));
    expect(await rejection(reader.set("k", "v"))).toMatchObject({ status: 403, code: "insufficient_scope" });
    expect(await rejection(reader.stats())).toMatchObject({ status: 403, code: "insufficient_scope" });
    expect(await rejection(reader.batch({ delete: ["k"] }))).toMatchObject({ status: 403, code: "insufficient_scope" });
    expect(await reader.get("k")).toBeUndefined();
  });

  it("maps 413 to payload_too_large and 400s to their codes", async () => {
    const app = await testApp({ tenants: 1, vars: { MAX_VALUE_BYTES: "16" } });
    const cache = clientFor(app, app.tenants[0]!);
    expect(await rejection(cache.set("k", "x".repeat(17)))).toMatchObject({ status: 413, code: "payload_too_large" });
    expect(await rejection(cache.set("k", "x", { ttl: 0 }))).toMatchObject({ status: 400, code: "invalid_query" });
    expect(await rejection(cache.set("k".repeat(513), "x"))).toMatchObject({ status: 400, code: "invalid_key" });
    expect(await rejection(cache.invalidate([]))).toMatchObject({ status: 400, code: "invalid_body" });
  });

  it("maps 429 to rate_limited with retryAfter in seconds", async () => {
    const app = await testApp({ tenants: 1, tenant: { record: { limits: { rateLimit: { requests: 1, windowSeconds: 60 } } } } });
    const cache = clientFor(app, app.tenants[0]!);
    await cache.get("k");
    const limited = await rejection(cache.get("k"));
    expect(limited).toMatchObject({ status: 429, code: "rate_limited", retryable: true });
    expect(limited.retryAfter).toBeGreaterThan(0);
    expect(limited.retryAfter).toBeLessThanOrEqual(60);
  });

  it("treats a 404 that is not an entry miss (a wrong baseUrl) as an error", async () => {
    const app = await testApp({ tenants: 1 });
    const misplaced = clientFor(app, app.tenants[0]!, `${BASE_URL}/prefix`);
    expect(await rejection(misplaced.get("k"))).toMatchObject({ status: 404, code: "not_found" });
  });

  it("falls back on the status when the body is not the service's error", async () => {
    const cache = createClient({
      baseUrl: BASE_URL,
      token: "t",
      fetch: async () => new Response("<html>busy</html>", { status: 503, headers: { "Retry-After": "7" } }),
    });
    expect(await rejection(cache.stats())).toMatchObject({ status: 503, code: "store_unavailable", retryAfter: 7, requestId: undefined });
  });
});

describe("edge-cache/client: abort", () => {
  it("rejects with the signal's reason and sends nothing once aborted", async () => {
    let calls = 0;
    const cache = createClient({
      baseUrl: BASE_URL,
      token: "t",
      fetch: async () => {
        calls++;
        return new Response(null);
      },
    });
    const controller = new AbortController();
    controller.abort();
    await expect(cache.get("k", { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    await expect(cache.batch({ get: ["k"] }, { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    expect(calls).toBe(0);
  });

  it("aborts a request in flight against a slow Redis", async () => {
    const { control, token } = await gatewayScope();
    const app = await testApp({ tenants: 1, vars: { UPSTASH_REDIS_REST_TOKEN: token, L2_TIMEOUT_MS: "2000" } });
    const cache = clientFor(app, app.tenants[0]!);
    await cache.set("k", "v", { ttl: 60 });
    await control.setFaults({ latencyMs: 400 });
    try {
      const started = Date.now();
      await expect(cache.set("k", "w", { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: "TimeoutError" });
      const controller = new AbortController();
      const pending = cache.delete("k", { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await expect(pending).rejects.toMatchObject({ name: "AbortError" });
      expect(Date.now() - started).toBeLessThan(400);
    } finally {
      await settleAborted();
      await control.clearFaults();
    }
  });
});

describe("edge-cache/client: injected fetch", () => {
  it("calls fetch with the base URL, encoded path and query", async () => {
    const urls: string[] = [];
    const cache = createClient({
      baseUrl: "https://cache.example/api/",
      token: "t",
      fetch: async (input) => {
        urls.push(input);
        return Response.json({ stored: "redis", etag: '"e"' }, { status: 201 });
      },
    });
    await cache.set("a/b c", "v", { ttl: 5, tags: ["x", "y"] });
    expect(urls).toEqual(["https://cache.example/api/v1/cache/a%2Fb%20c?ttl=5&tags=x%2Cy"]);
  });

  it("keeps the error class usable from a fetch that answers through the app", async () => {
    const app = await testApp({ tenants: 1 });
    const cache = createClient({ baseUrl: BASE_URL, token: "", fetch: fetchThrough(app) });
    expect(await rejection(cache.clear())).toMatchObject({ status: 401 });
  });
});
