import { describe, expect, it } from "vitest";
import type { TenantId } from "../../../shared/cache/keys";
import { scriptSha } from "../../../shared/redis/lua-script";
import type { RedisRunner } from "../../../shared/redis/redis-client";
import { MemoryTenantRegistry } from "../../../shared/tenants/memory-registry";
import { RedisTenantRegistry } from "../../../shared/tenants/redis-registry";
import type { TenantPurge, TenantRegistry } from "../../../shared/tenants/registry";
import { deleteTenantScript } from "../../../shared/tenants/registry-scripts";
import { newTenantRecord, type TenantRecord } from "../../../shared/tenants/tenant-record";
import { TokenDigester } from "../../../shared/tenants/token-digest";
import { TokenService } from "../../../shared/tenants/token-service";
import { redisRunner, uniqueTenant } from "../../helpers/worker/test-env";

const uniqueOrigin = () => `https://${uniqueTenant("o")}.example`;
const purge = (): TenantPurge => ({ startedAt: Date.now(), quietUntil: Date.now() + 1000 });

function fixture(registry: TenantRegistry) {
  const digester = new TokenDigester("p".repeat(32));
  const tokens = new TokenService({ registry, digester, cacheMs: 0 });
  return {
    registry,
    tokens,
    digester,
    async tenant(allowedOrigins: string[], id: TenantId = uniqueTenant()): Promise<TenantRecord> {
      const record = newTenantRecord({ id, limits: {}, allowedOrigins, originHosts: [] }, new Date());
      expect(await registry.createTenant(record)).toBe("created");
      return record;
    },
  };
}

const adapters: [string, () => TenantRegistry, "purging" | "created"][] = [
  ["RedisTenantRegistry", () => new RedisTenantRegistry(redisRunner()), "purging"],
  ["MemoryTenantRegistry", () => new MemoryTenantRegistry(), "created"],
];

describe.each(adapters)("deleting a tenant from %s", (_name, makeRegistry, recreated) => {
  it("removes its record, every token and its origins, and leaves another tenant's shared origin allowed", async () => {
    const t = fixture(makeRegistry());
    const [own, shared, tokenOnly, bobs] = [uniqueOrigin(), uniqueOrigin(), uniqueOrigin(), uniqueOrigin()];
    const alice = await t.tenant([own, shared]);
    const bob = await t.tenant([shared, bobs]);
    const issued = [
      await t.tokens.issue(alice.id, { scopes: ["read"], allowedOrigins: [tokenOnly] }),
      await t.tokens.issue(alice.id, { scopes: ["write"] }),
    ];
    const bobsToken = await t.tokens.issue(bob.id, { scopes: ["read"] });

    const deleted = await t.registry.deleteTenant(alice.id, purge());
    const digests = await Promise.all(issued.map(({ token }) => t.digester.digest(token)));
    expect(deleted?.record).toEqual(alice);
    expect(deleted?.digests.sort()).toEqual([...digests].sort());
    expect(deleted?.origins.sort()).toEqual([own, shared, tokenOnly].sort());

    expect(await t.registry.getTenant(alice.id)).toBeUndefined();
    expect((await t.registry.listTenants()).map(({ id }) => id)).not.toContain(alice.id);
    expect(await t.registry.listTokens(alice.id)).toEqual([]);
    for (const digest of digests) expect(await t.registry.resolveToken(digest)).toBeUndefined();
    for (const { token } of issued) expect(await t.tokens.verify(token)).toEqual({ ok: false, problem: "unknown" });
    const allowed = await Promise.all([own, tokenOnly, shared, bobs].map((origin) => t.registry.allowsOrigin(origin)));
    expect(allowed).toEqual([false, false, true, true]);
    expect(await t.tokens.verify(bobsToken.token)).toMatchObject({ ok: true, tenant: { id: bob.id } });
  });

  it("answers undefined for a tenant it does not hold, and stores no token for a deleted one", async () => {
    const t = fixture(makeRegistry());
    expect(await t.registry.deleteTenant(uniqueTenant("never"), purge())).toBeUndefined();
    const alice = await t.tenant([]);
    await t.registry.deleteTenant(alice.id, purge());
    expect(await t.registry.deleteTenant(alice.id, purge())).toBeUndefined();
    const late = {
      id: crypto.randomUUID(),
      tenant: alice.id,
      scopes: ["read" as const],
      hint: "ec_…",
      createdAt: new Date().toISOString(),
    };
    expect(await t.registry.putToken(`late-${crypto.randomUUID()}`, late)).toBe(false);
    await expect(t.tokens.issue(alice.id, { scopes: ["read"] })).rejects.toMatchObject({ status: 404, code: "not_found" });
  });

  it(`answers ${recreated} when the id is created again right after`, async () => {
    const t = fixture(makeRegistry());
    const alice = await t.tenant([]);
    await t.registry.deleteTenant(alice.id, purge());
    const again = newTenantRecord({ id: alice.id, limits: {}, allowedOrigins: [], originHosts: [] }, new Date());
    expect(await t.registry.createTenant(again)).toBe(recreated);
    expect(await t.registry.getTenant(alice.id)).toEqual(recreated === "created" ? again : undefined);
  });
});

describe("RedisTenantRegistry.deleteTenant under concurrent changes", () => {
  it("reads again when a token is issued between its read and its write, so the new token goes too", async () => {
    const origin = uniqueOrigin();
    const plain = fixture(new RedisTenantRegistry(redisRunner()));
    const alice = await plain.tenant([]);
    let late: { token: string } | undefined;
    const racing = new RedisTenantRegistry(
      beforeFirstDelete(redisRunner(), async () => {
        late = await plain.tokens.issue(alice.id, { scopes: ["read"], allowedOrigins: [origin] });
      }),
    );
    const deleted = await racing.deleteTenant(alice.id, purge());
    expect(deleted?.digests).toHaveLength(1);
    expect(await plain.registry.resolveToken(await plain.digester.digest(late?.token ?? ""))).toBeUndefined();
    expect(await plain.registry.allowsOrigin(origin)).toBe(false);
  });
});

/** A runner that runs `interfere` once, just before it sends the first delete-tenant script. */
function beforeFirstDelete(runner: RedisRunner, interfere: () => Promise<unknown>): RedisRunner {
  let done = false;
  return {
    async run(commands) {
      const sha = await scriptSha(deleteTenantScript);
      if (!done && commands.some((command) => command.op === "evalsha" && command.sha === sha)) {
        done = true;
        await interfere();
      }
      return runner.run(commands);
    },
  };
}
