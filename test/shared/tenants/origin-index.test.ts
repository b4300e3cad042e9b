import { describe, expect, it } from "vitest";
import type { TenantId } from "../../../shared/cache/keys";
import { corsOriginRedisKey } from "../../../shared/redis/key-layout";
import { scriptSha } from "../../../shared/redis/lua-script";
import type { RedisRunner } from "../../../shared/redis/redis-client";
import { MemoryTenantRegistry } from "../../../shared/tenants/memory-registry";
import { RedisTenantRegistry } from "../../../shared/tenants/redis-registry";
import type { TenantRegistry } from "../../../shared/tenants/registry";
import { putTenantScript } from "../../../shared/tenants/registry-scripts";
import { newTenantRecord, type TenantRecord } from "../../../shared/tenants/tenant-record";
import { TokenDigester } from "../../../shared/tenants/token-digest";
import { TokenService } from "../../../shared/tenants/token-service";
import { redisRunner, uniqueTenant } from "../../helpers/worker/test-env";

/** An origin no other test uses: the index is shared by every tenant of the test Redis. */
const uniqueOrigin = () => `https://${uniqueTenant("o")}.example`;

function fixture(registry: TenantRegistry) {
  const tokens = new TokenService({ registry, digester: new TokenDigester("p".repeat(32)), cacheMs: 0 });
  return {
    registry,
    tokens,
    async tenant(allowedOrigins: string[]): Promise<TenantRecord> {
      const record = newTenantRecord({ id: uniqueTenant(), limits: {}, allowedOrigins, originHosts: [] }, new Date());
      expect(await registry.createTenant(record)).toBe("created");
      return record;
    },
    setStatus: (tenant: TenantId, status: "active" | "disabled") => registry.updateTenant(tenant, (record) => ({ ...record, status })),
    async allowed(...origins: string[]): Promise<boolean[]> {
      return Promise.all(origins.map((origin) => registry.allowsOrigin(origin)));
    },
  };
}

const adapters: [string, () => TenantRegistry][] = [
  ["RedisTenantRegistry", () => new RedisTenantRegistry(redisRunner())],
  ["MemoryTenantRegistry", () => new MemoryTenantRegistry()],
];

describe.each(adapters)("the CORS origin index of %s", (_name, makeRegistry) => {
  it("allows a new tenant's origins, and no other", async () => {
    const t = fixture(makeRegistry());
    const [mine, other] = [uniqueOrigin(), uniqueOrigin()];
    await t.tenant([mine]);
    expect(await t.allowed(mine, other)).toEqual([true, false]);
  });

  it("follows a tenant's allowedOrigins as they change", async () => {
    const t = fixture(makeRegistry());
    const [first, second] = [uniqueOrigin(), uniqueOrigin()];
    const tenant = await t.tenant([first]);
    await t.registry.updateTenant(tenant.id, (record) => ({ ...record, allowedOrigins: [second] }));
    expect(await t.allowed(first, second)).toEqual([false, true]);
  });

  it("keeps an origin two tenants list while either still lists it", async () => {
    const t = fixture(makeRegistry());
    const shared = uniqueOrigin();
    const [alice] = [await t.tenant([shared]), await t.tenant([shared])];
    await t.registry.updateTenant((alice as TenantRecord).id, (record) => ({ ...record, allowedOrigins: [] }));
    expect(await t.allowed(shared)).toEqual([true]);
  });

  it("drops a disabled tenant's origins and its tokens', and restores them on enable, except a revoked token's", async () => {
    const t = fixture(makeRegistry());
    const [own, live, revoked] = [uniqueOrigin(), uniqueOrigin(), uniqueOrigin()];
    const tenant = await t.tenant([own]);
    await t.tokens.issue(tenant.id, { scopes: ["read"], allowedOrigins: [live] });
    const { record } = await t.tokens.issue(tenant.id, { scopes: ["read"], allowedOrigins: [revoked] });
    expect(await t.allowed(own, live, revoked)).toEqual([true, true, true]);
    await t.setStatus(tenant.id, "disabled");
    expect(await t.allowed(own, live, revoked)).toEqual([false, false, false]);
    await t.tokens.revoke(tenant.id, record.id);
    await t.setStatus(tenant.id, "active");
    expect(await t.allowed(own, live, revoked)).toEqual([true, true, false]);
  });

  it("adds a token's origins while it is live, and drops them on revocation unless the tenant lists them too", async () => {
    const t = fixture(makeRegistry());
    const [own, tokenOnly] = [uniqueOrigin(), uniqueOrigin()];
    const tenant = await t.tenant([own]);
    const { record } = await t.tokens.issue(tenant.id, { scopes: ["read"], allowedOrigins: [own, tokenOnly] });
    expect(await t.allowed(tokenOnly)).toEqual([true]);
    await t.tokens.revoke(tenant.id, record.id);
    expect(await t.allowed(own, tokenOnly)).toEqual([true, false]);
  });

  it("moves a rotated token's origins to the new token", async () => {
    const t = fixture(makeRegistry());
    const origin = uniqueOrigin();
    const tenant = await t.tenant([]);
    const { record } = await t.tokens.issue(tenant.id, { scopes: ["read"], allowedOrigins: [origin] });
    const rotated = await t.tokens.rotate(tenant.id, record.id);
    expect(rotated).toBeDefined();
    expect(await t.allowed(origin)).toEqual([true]);
    await t.tokens.revoke(tenant.id, rotated?.record.id as string);
    expect(await t.allowed(origin)).toEqual([false]);
  });

  it("leaves out a token issued while its tenant is disabled, until the tenant is enabled", async () => {
    const t = fixture(makeRegistry());
    const origin = uniqueOrigin();
    const tenant = await t.tenant([]);
    await t.setStatus(tenant.id, "disabled");
    await t.tokens.issue(tenant.id, { scopes: ["read"], allowedOrigins: [origin] });
    expect(await t.allowed(origin)).toEqual([false]);
    await t.setStatus(tenant.id, "active");
    expect(await t.allowed(origin)).toEqual([true]);
  });

  it("keeps an expired token's origins: nothing sweeps them, and its requests are refused 401 instead", async () => {
    const t = fixture(makeRegistry());
    const origin = uniqueOrigin();
    const tenant = await t.tenant([]);
    const past = new Date(Date.now() - 1000).toISOString();
    await t.registry.putToken("digest-of-an-expired-token", {
      id: crypto.randomUUID(),
      tenant: tenant.id,
      scopes: ["read"],
      hint: "ec_…",
      allowedOrigins: [origin],
      createdAt: past,
      expiresAt: past,
    });
    expect(await t.allowed(origin)).toEqual([true]);
  });

  it("answers a rebuild page by page until the cursor comes back to 0, and a rebuild changes nothing that was right", async () => {
    const t = fixture(makeRegistry());
    const [own, tokenOnly, disabled] = [uniqueOrigin(), uniqueOrigin(), uniqueOrigin()];
    const tenant = await t.tenant([own]);
    await t.tokens.issue(tenant.id, { scopes: ["read"], allowedOrigins: [tokenOnly] });
    const off = await t.tenant([disabled]);
    await t.setStatus(off.id, "disabled");
    await rebuild(t.registry);
    expect(await t.allowed(own, tokenOnly, disabled)).toEqual([true, true, false]);
  });
});

async function rebuild(registry: TenantRegistry): Promise<number> {
  let cursor = "0";
  let pages = 0;
  do {
    cursor = (await registry.reindexOrigins(cursor)).cursor;
    pages += 1;
  } while (cursor !== "0");
  return pages;
}

describe("the CORS origin index in Redis", () => {
  it("is rebuilt from the records when it was lost or never built (an upgrade)", async () => {
    const t = fixture(new RedisTenantRegistry(redisRunner()));
    const [own, tokenOnly, revoked, disabled] = [uniqueOrigin(), uniqueOrigin(), uniqueOrigin(), uniqueOrigin()];
    const tenant = await t.tenant([own]);
    await t.tokens.issue(tenant.id, { scopes: ["read"], allowedOrigins: [tokenOnly] });
    const { record } = await t.tokens.issue(tenant.id, { scopes: ["read"], allowedOrigins: [revoked] });
    await t.tokens.revoke(tenant.id, record.id);
    const off = await t.tenant([disabled]);
    await t.setStatus(off.id, "disabled");
    // As before the index existed: the records are there, the index is not.
    await redisRunner().run([{ op: "del", keys: [own, tokenOnly, revoked, disabled].map(corsOriginRedisKey) }]);
    expect(await t.allowed(own, tokenOnly)).toEqual([false, false]);
    await rebuild(t.registry);
    expect(await t.allowed(own, tokenOnly, revoked, disabled)).toEqual([true, true, false, false]);
    await rebuild(t.registry);
    expect(await t.allowed(own, tokenOnly, revoked, disabled)).toEqual([true, true, false, false]);
  });

  it("reads again when a token is issued between a disable's read and its write, so the new token's origin goes too", async () => {
    const origin = uniqueOrigin();
    const plain = fixture(new RedisTenantRegistry(redisRunner()));
    const tenant = await plain.tenant([]);
    const racing = fixture(
      new RedisTenantRegistry(
        beforeFirstTenantWrite(redisRunner(), () => plain.tokens.issue(tenant.id, { scopes: ["read"], allowedOrigins: [origin] })),
      ),
    );
    await racing.setStatus(tenant.id, "disabled");
    expect(await plain.allowed(origin)).toEqual([false]);
    expect((await plain.registry.getTenant(tenant.id))?.status).toBe("disabled");
  });

  it("loses no concurrent change: an update that raced another is applied over it", async () => {
    const [first, second] = [uniqueOrigin(), uniqueOrigin()];
    const plain = fixture(new RedisTenantRegistry(redisRunner()));
    const tenant = await plain.tenant([first]);
    const racing = fixture(
      new RedisTenantRegistry(
        beforeFirstTenantWrite(redisRunner(), () =>
          plain.registry.updateTenant(tenant.id, (record) => ({ ...record, allowedOrigins: [first, second] })),
        ),
      ),
    );
    await racing.registry.updateTenant(tenant.id, (record) => ({ ...record, name: "renamed" }));
    expect(await plain.registry.getTenant(tenant.id)).toMatchObject({ name: "renamed", allowedOrigins: [first, second] });
    expect(await plain.allowed(first, second)).toEqual([true, true]);
  });
});

/** A runner that runs `interfere` once, just before it sends the first tenant write (put-tenant). */
function beforeFirstTenantWrite(runner: RedisRunner, interfere: () => Promise<unknown>): RedisRunner {
  let done = false;
  return {
    async run(commands) {
      const sha = await scriptSha(putTenantScript);
      if (!done && commands.some((command) => command.op === "evalsha" && command.sha === sha)) {
        done = true;
        await interfere();
      }
      return runner.run(commands);
    },
  };
}
