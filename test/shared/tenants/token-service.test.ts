import { describe, expect, it } from "vitest";
import { toTenantId } from "../../../shared/cache/keys";
import { StoreUnavailableError } from "../../../shared/cache/store";
import { MemoryTenantRegistry } from "../../../shared/tenants/memory-registry";
import { newTenantRecord } from "../../../shared/tenants/tenant-record";
import { TokenDigester } from "../../../shared/tenants/token-digest";
import { generateToken } from "../../../shared/tenants/token-format";
import { TokenService, type TokenServiceOptions } from "../../../shared/tenants/token-service";

/** The memory registry, counting lookups and taking a moment over each, as Redis would. */
class CountingRegistry extends MemoryTenantRegistry {
  resolves = 0;
  /** When set, the next lookup never settles: its request was cancelled at that await. */
  hangNext = false;
  failing = false;
  override async resolveToken(digest: string) {
    this.resolves += 1;
    if (this.hangNext) {
      this.hangNext = false;
      return new Promise<never>(() => {});
    }
    if (this.failing) throw new StoreUnavailableError("redis down");
    await new Promise((resolve) => setTimeout(resolve, 20));
    return super.resolveToken(digest);
  }
}

const acme = toTenantId("acme");

async function serviceWithToken(options: Partial<TokenServiceOptions> = {}) {
  const registry = new CountingRegistry();
  await registry.createTenant(newTenantRecord({ id: acme, limits: {}, allowedOrigins: [], originHosts: [] }, new Date()));
  const service = new TokenService({ registry, digester: new TokenDigester("p".repeat(32)), cacheMs: 5000, ...options });
  const { token, record } = await service.issue(acme, { scopes: ["read"] });
  return { registry, service, token, tokenId: record.id };
}

describe("TokenService", () => {
  it("verifies an issued token and refuses a well-formed unknown one", async () => {
    const { service, token } = await serviceWithToken();
    expect(await service.verify(token)).toMatchObject({ ok: true, tenant: { id: "acme" }, token: { scopes: ["read"] } });
    expect(await service.verify(`${token.slice(0, -7)}x${token.slice(-6)}`)).toEqual({ ok: false, problem: "unknown" });
  });

  it("asks the registry once per cache period, however many requests verify at once", async () => {
    const { registry, service, token } = await serviceWithToken({ cacheMs: 0 });
    await service.verify(token);
    registry.resolves = 0;
    const results = await Promise.all(Array.from({ length: 10 }, () => service.verify(token)));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(registry.resolves).toBe(1);
  });
});

describe("TokenService.verifyCached", () => {
  it("answers without the registry only for a token verified here within the cache bound", async () => {
    let now = 1_000_000;
    const { registry, service, token, tokenId } = await serviceWithToken({ now: () => now });
    expect(service.verifyCached(token)).toBeUndefined();
    await service.verify(token);
    registry.resolves = 0;
    expect(service.verifyCached(token)).toMatchObject({ ok: true, tenant: { id: "acme" }, token: { id: tokenId } });
    expect(registry.resolves).toBe(0);
    now += 5001;
    expect(service.verifyCached(token)).toBeUndefined();
    expect(await service.verify(token)).toMatchObject({ ok: true });
    // A revocation in this isolate is seen at once, not at the end of the bound.
    await service.revoke(acme, tokenId);
    expect(service.verifyCached(token)).toBeUndefined();
    expect(await service.verify(token)).toEqual({ ok: false, problem: "revoked" });
  });
});

describe("TokenService: unknown tokens", () => {
  it("asks the registry about a made-up token once, then remembers it is unknown", async () => {
    const { registry, service } = await serviceWithToken();
    const madeUp = generateToken();
    registry.resolves = 0;
    for (let i = 0; i < 5; i++) expect(await service.verify(madeUp)).toEqual({ ok: false, problem: "unknown" });
    expect(registry.resolves).toBe(1);
  });

  it("asks again once the unknown answer is older than unknownCacheMs", async () => {
    const clock = { now: 0 };
    const { registry, service } = await serviceWithToken({ unknownCacheMs: 60_000, now: () => clock.now });
    const madeUp = generateToken();
    await service.verify(madeUp);
    clock.now = 59_999;
    await service.verify(madeUp);
    expect(registry.resolves).toBe(1);
    clock.now = 60_000;
    await service.verify(madeUp);
    expect(registry.resolves).toBe(2);
  });

  it("never lets a flood of made-up tokens push out a real verification", async () => {
    const { registry, service, token } = await serviceWithToken({ maxCached: 2, maxUnknown: 2 });
    await service.verify(token);
    registry.resolves = 0;
    for (let i = 0; i < 20; i++) await service.verify(generateToken());
    expect(registry.resolves).toBe(20);
    expect(await service.verify(token)).toMatchObject({ ok: true });
    expect(registry.resolves).toBe(20);
  });

  it("keeps at most maxUnknown unknown digests, forgetting the oldest", async () => {
    const { registry, service } = await serviceWithToken({ maxUnknown: 2 });
    const [first, second, third] = [generateToken(), generateToken(), generateToken()];
    for (const token of [first, second, third]) await service.verify(token as string);
    registry.resolves = 0;
    await service.verify(third as string);
    await service.verify(second as string);
    expect(registry.resolves).toBe(0);
    await service.verify(first as string);
    expect(registry.resolves).toBe(1);
  });
});

describe("TokenService: what it remembers of verified tokens", () => {
  it("says a token has verified only after it verified, and forgets it once it fails", async () => {
    const { service, token, tokenId } = await serviceWithToken({ cacheMs: 0 });
    const madeUp = generateToken();
    await service.verify(madeUp);
    expect(service.hasVerified(madeUp)).toBe(false);
    expect(service.hasVerified(token)).toBe(false);
    await service.verify(token);
    expect(service.hasVerified(token)).toBe(true);
    await service.revoke(acme, tokenId);
    expect(await service.verify(token)).toEqual({ ok: false, problem: "revoked" });
    expect(service.hasVerified(token)).toBe(false);
  });

  it("keeps at most maxCached verifications, forgetting the least recently used", async () => {
    const { registry, service, token: first } = await serviceWithToken({ maxCached: 2 });
    const { token: second } = await service.issue(acme, { scopes: ["read"] });
    const { token: third } = await service.issue(acme, { scopes: ["read"] });
    for (const token of [first, second, third]) await service.verify(token);
    expect([first, second, third].map((token) => service.hasVerified(token))).toEqual([false, true, true]);
    registry.resolves = 0;
    await service.verify(third);
    await service.verify(second);
    expect(registry.resolves).toBe(0);
    await service.verify(first);
    expect(registry.resolves).toBe(1);
  });

  it("uses a recent verification while the registry is unreachable, for staleIfErrorMs only", async () => {
    const clock = { now: 0 };
    const { registry, service, token } = await serviceWithToken({ cacheMs: 1000, staleIfErrorMs: 10_000, now: () => clock.now });
    await service.verify(token);
    registry.failing = true;
    clock.now = 9_999;
    expect(await service.verify(token)).toMatchObject({ ok: true });
    clock.now = 10_000;
    await expect(service.verify(token)).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe("TokenService: a re-verification cancelled with its request", () => {
  it("holds the old answer only until refreshTimeoutMs, then the next request re-verifies and sees the revocation", async () => {
    const clock = { now: 0 };
    const { registry, service, token, tokenId } = await serviceWithToken({ cacheMs: 1000, refreshTimeoutMs: 3000, now: () => clock.now });
    await service.verify(token);
    clock.now = 1000;
    registry.hangNext = true;
    void service.verify(token);
    // Revoked elsewhere (another isolate): this one has only its cached answer.
    const found = (await registry.listTokens(acme)).find(({ record }) => record.id === tokenId);
    if (!found) throw new Error("test setup: token not found");
    await registry.putToken(found.digest, { ...found.record, revokedAt: new Date(0).toISOString() });
    clock.now = 3999;
    expect(await service.verify(token)).toMatchObject({ ok: true });
    clock.now = 4000;
    expect(await service.verify(token)).toEqual({ ok: false, problem: "revoked" });
    expect(registry.resolves).toBe(3);
  });

  it("keeps at most maxCached re-verification markers: a forgotten one no longer holds the old answer", async () => {
    const clock = { now: 0 };
    const { registry, service, token: first } = await serviceWithToken({ cacheMs: 1000, maxCached: 2, now: () => clock.now });
    const { token: second } = await service.issue(acme, { scopes: ["read"] });
    await service.verify(first);
    await service.verify(second);
    clock.now = 1000;
    for (const token of [first, second]) {
      registry.hangNext = true;
      void service.verify(token);
      // Until it reaches the registry, where it stays.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    registry.resolves = 0;
    expect(await service.verify(first)).toMatchObject({ ok: true });
    expect(registry.resolves).toBe(0);
    // A third lookup in progress pushes out the oldest marker, the first token's.
    await service.verify(generateToken());
    expect(registry.resolves).toBe(1);
    expect(await service.verify(first)).toMatchObject({ ok: true });
    expect(registry.resolves).toBe(2);
  });
});
