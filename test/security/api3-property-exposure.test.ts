import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cachePath, testApp } from "../helpers/worker/test-env";

const put = (body: string) => ({ method: "PUT", body, headers: { "Content-Type": "text/plain" } });

describe("API3 broken object property-level authorization", () => {
  afterEach(() => vi.restoreAllMocks());

  it("shows no tenant in /health", async () => {
    const app = await testApp({ tenants: 1 });
    await app.as(app.tenants[0]!, cachePath("k"), put("v"));
    const text = await (await app.request("/health")).text();
    expect(text).not.toContain(app.tenants[0]!.tenant);
    expect(Object.keys(JSON.parse(text)).sort()).toEqual(["l1", "migration", "off", "redis", "status", "store", "version"]);
  });

  it("shows a tenant only its own stats and its own share of memory", async () => {
    const app = await testApp();
    const [alice, bob] = app.tenants;
    for (let i = 0; i < 5; i++) await app.as(bob!, cachePath(`k${i}`), put("x".repeat(1000)));
    const stats = (await (await app.as(alice!, "/v1/stats")).json()) as { tenant: string; l1: { entries: number; bytes: number } };
    expect(stats.tenant).toBe(alice!.tenant);
    expect(stats.l1).toMatchObject({ entries: 0, bytes: 0 });
  });

  it("lists tokens with a hint, never the token or its digest", async () => {
    const app = await testApp({ tenants: 1 });
    const alice = app.tenants[0]!;
    const text = await (await app.admin(`/admin/tenants/${alice.tenant}/tokens`)).text();
    expect(text).toContain(alice.tokenId);
    expect(text).toContain(alice.token.slice(0, 7));
    expect(text).not.toContain(alice.token.slice(7, 20));
    expect(text).not.toMatch(/[0-9a-f]{64}/);
  });

  it("answers errors with a code and a message, and nothing of the request", async () => {
    const app = await testApp({ tenants: 1 });
    const secretValue = "value-that-must-not-echo";
    const res = await app.as(app.tenants[0]!, `${cachePath("k")}?ttl=${secretValue}`, put(secretValue));
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(Object.keys(body)).toEqual(["error"]);
    expect(Object.keys(body.error).sort()).toEqual(["code", "message"]);
    expect(JSON.stringify(body)).not.toContain(secretValue);
  });

  it("logs no token, value or secret", async () => {
    const lines: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    const app = await testApp({ tenants: 1, vars: { LOG_LEVEL: "debug" } });
    const alice = app.tenants[0]!;
    const value = "logged-value-canary";
    await app.as(alice, cachePath("private/key"), put(value));
    await app.as(alice, cachePath("private/key"));
    await app.as({ token: "Bearer-garbage-canary" }, cachePath("private/key"));
    await app.request("/admin/tenants", { headers: { Authorization: "Bearer admin-guess-canary" } });
    expect(lines.length).toBeGreaterThan(0);
    const all = lines.join("\n");
    for (const secret of [
      alice.token,
      value,
      "garbage-canary",
      "admin-guess-canary",
      env.ADMIN_TOKEN,
      env.UPSTASH_REDIS_REST_TOKEN,
      app.env.TOKEN_PEPPER as string,
      "private/key",
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});
