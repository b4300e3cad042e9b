import { describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../../shared/cache/store";
import { CorsOrigins, type CorsOriginsOptions } from "../../../shared/tenants/cors-origins";
import { MemoryTenantRegistry } from "../../../shared/tenants/memory-registry";

/** A registry whose origin index holds `allowed`, counting lookups. */
class CountingRegistry extends MemoryTenantRegistry {
  lookups = 0;
  failing = false;
  constructor(readonly allowed: Set<string>) {
    super();
  }
  override async allowsOrigin(origin: string) {
    this.lookups += 1;
    if (this.failing) throw new StoreUnavailableError("redis down");
    return this.allowed.has(origin);
  }
}

function corsOrigins(allowed: string[], options: Partial<CorsOriginsOptions> = {}) {
  const clock = { now: 0 };
  const registry = new CountingRegistry(new Set(allowed));
  const origins = new CorsOrigins({ registry, cacheMs: 5000, now: () => clock.now, ...options });
  return { clock, registry, origins };
}

const APP = "https://app.example";

describe("CorsOrigins", () => {
  it("looks an origin up once per cache period, allowed or refused", async () => {
    const { clock, registry, origins } = corsOrigins([APP]);
    for (let i = 0; i < 3; i++) {
      expect(await origins.isAllowed(APP)).toBe(true);
      expect(await origins.isAllowed("https://evil.example")).toBe(false);
    }
    expect(registry.lookups).toBe(2);
    clock.now = 5000;
    expect(origins.cachedAnswer(APP)).toBeUndefined();
    await origins.isAllowed(APP);
    expect(registry.lookups).toBe(3);
  });

  it("keeps an allowed origin allowed while the registry is unreachable, for staleIfErrorMs", async () => {
    const { clock, registry, origins } = corsOrigins([APP], { staleIfErrorMs: 60_000 });
    await origins.isAllowed(APP);
    registry.failing = true;
    clock.now = 59_999;
    expect(await origins.isAllowed(APP)).toBe(true);
    clock.now = 60_000;
    await expect(origins.isAllowed(APP)).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it("does not answer for an origin it never saw allowed while the registry is unreachable", async () => {
    const { registry, origins } = corsOrigins([APP]);
    registry.failing = true;
    await expect(origins.isAllowed(APP)).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it("keeps at most maxOrigins allowed origins, and a flood of refused ones never pushes them out", async () => {
    const allowed = ["https://a.example", "https://b.example", "https://c.example"];
    const { registry, origins } = corsOrigins(allowed, { maxOrigins: 2 });
    for (const origin of allowed) await origins.isAllowed(origin);
    expect(allowed.map((origin) => origins.cachedAnswer(origin))).toEqual([undefined, true, true]);
    for (let i = 0; i < 50; i++) await origins.isAllowed(`https://made-up-${i}.example`);
    expect(origins.cachedAnswer("https://b.example")).toBe(true);
    expect(origins.cachedAnswer("https://c.example")).toBe(true);
    expect(origins.cachedAnswer("https://made-up-0.example")).toBeUndefined();
    expect(origins.cachedAnswer("https://made-up-49.example")).toBe(false);
    expect(registry.lookups).toBe(53);
  });
});
