import { describe, expect, it } from "vitest";
import { toTenantId } from "../../../shared/cache/keys";
import { MemoryTenantRegistry } from "../../../shared/tenants/memory-registry";
import { newTenantRecord } from "../../../shared/tenants/tenant-record";
import { TokenDigester } from "../../../shared/tenants/token-digest";
import { TokenService } from "../../../shared/tenants/token-service";

/** The memory registry, counting lookups and taking a moment over each, as Redis would. */
class CountingRegistry extends MemoryTenantRegistry {
  resolves = 0;
  override async resolveToken(digest: string) {
    this.resolves += 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return super.resolveToken(digest);
  }
}

async function serviceWithToken(cacheMs: number) {
  const registry = new CountingRegistry();
  await registry.createTenant(newTenantRecord({ id: toTenantId("acme"), limits: {}, allowedOrigins: [], originHosts: [] }, new Date()));
  const service = new TokenService({ registry, digester: new TokenDigester("p".repeat(32)), cacheMs });
  const { token } = await service.issue(toTenantId("acme"), { scopes: ["read"] });
  return { registry, service, token };
}

describe("TokenService", () => {
  it("verifies an issued token and refuses a well-formed unknown one", async () => {
    const { service, token } = await serviceWithToken(5000);
    expect(await service.verify(token)).toMatchObject({ ok: true, tenant: { id: "acme" }, token: { scopes: ["read"] } });
    expect(await service.verify(`${token.slice(0, -7)}x${token.slice(-6)}`)).toEqual({ ok: false, problem: "unknown" });
  });

  it("asks the registry once per cache period, however many requests verify at once", async () => {
    const { registry, service, token } = await serviceWithToken(0);
    await service.verify(token);
    registry.resolves = 0;
    const results = await Promise.all(Array.from({ length: 10 }, () => service.verify(token)));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(registry.resolves).toBe(1);
  });
});
