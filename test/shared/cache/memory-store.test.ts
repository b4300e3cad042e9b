import { describe, expect, it } from "vitest";
import { toTenantId } from "../../../shared/cache/keys";
import { MemoryStore } from "../../../shared/cache/memory-store";
import { MAX_PREFIX_LENGTHS } from "../../../shared/cache/store";
import { entryOf } from "../../helpers/worker/store-contract";

const tenant = (i: number | string) => toTenantId(`t-${i}`);

describe("MemoryStore's clear and tag watermarks, bounded per isolate", () => {
  it("keeps the marks of at most maxMarkedTenants tenants, and a copy hidden by forgotten marks stays hidden", async () => {
    const store = new MemoryStore({ maxMarkedTenants: 2 });
    const cleared = { tenant: tenant("cleared"), key: "k" };
    const tagged = { tenant: tenant("tagged"), key: "k" };
    await store.set(cleared, await entryOf("old"));
    await store.set(tagged, await entryOf("old", { tags: ["product"] }));
    await store.clear(cleared.tenant);
    await store.invalidate(tagged.tenant, { tags: ["product"] });
    // Two more tenants raise marks: those of `cleared` and `tagged` are forgotten.
    await store.clear(tenant(1));
    await store.invalidate(tenant(2), { tags: ["x"] });
    expect(store.watermarks()).toEqual({ tenants: 2, tags: 1 });

    expect(await store.get(cleared)).toBeUndefined();
    expect(await store.get(tagged)).toBeUndefined();
    // Copies stored after the forgotten marks are served, for those tenants and any other.
    await store.set(cleared, await entryOf("new"));
    await store.set({ tenant: tenant(3), key: "k" }, await entryOf("new"));
    expect(await store.get(cleared)).toMatchObject({ tier: "l1" });
    expect(await store.get({ tenant: tenant(3), key: "k" })).toMatchObject({ tier: "l1" });
  });

  it("hides a forgotten tenant's older copies when its marks come back, and keeps its newer ones", async () => {
    const store = new MemoryStore({ maxMarkedTenants: 1 });
    const key = { tenant: tenant("a"), key: "k" };
    await store.set(key, await entryOf("hidden"));
    await store.clear(key.tenant);
    await store.clear(tenant("b"));
    // `a` gets marks again (an unrelated tag): its copy from before the clear must stay hidden.
    await store.invalidate(key.tenant, { tags: ["unrelated"] });
    expect(await store.get(key)).toBeUndefined();
    await store.set(key, await entryOf("after"));
    await store.invalidate(key.tenant, { tags: ["other"] });
    expect(await store.get(key)).toMatchObject({ tier: "l1" });
  });

  it("keeps at most maxTotalTagWatermarks tags over all tenants, forgetting the tenants raised longest ago", async () => {
    const store = new MemoryStore({ maxTotalTagWatermarks: 10 });
    const first = { tenant: tenant("first"), key: "k" };
    await store.set(first, await entryOf("v", { tags: ["t0"] }));
    await store.invalidate(first.tenant, { tags: ["t0", "t1", "t2", "t3", "t4", "t5"] });
    for (let i = 0; i < 3; i++) {
      await store.invalidate(tenant(i), { tags: Array.from({ length: 4 }, (_, j) => `tag-${j}`) });
    }
    expect(store.watermarks()).toEqual({ tenants: 2, tags: 8 });
    expect(await store.get(first)).toBeUndefined();
    const later = { tenant: tenant(0), key: "k" };
    await store.set(later, await entryOf("v", { tags: ["tag-0"] }));
    expect(await store.get(later)).toMatchObject({ tier: "l1" });
  });
});

describe("MemoryStore's per-tenant usage", () => {
  it("forgets a tenant once its last copy is evicted, so it tracks no more tenants than it holds copies", async () => {
    const store = new MemoryStore({ budgetBytes: 20_000 });
    for (let i = 0; i < 500; i++) await store.set({ tenant: tenant(i), key: "k" }, await entryOf("v"));
    const { entries } = store.usage();
    expect(entries).toBeLessThan(500);
    let tenantsWithCopies = 0;
    for (let i = 0; i < 500; i++) {
      const usage = store.tenantUsage(tenant(i));
      if (usage.entries > 0) tenantsWithCopies += 1;
      else expect(usage.bytes).toBe(0);
    }
    expect(tenantsWithCopies).toBe(entries);
  });
});

describe("MemoryStore prefix watermarks", () => {
  it("past MAX_PREFIX_LENGTHS distinct lengths, clear the tenant's copies rather than forget one", async () => {
    const store = new MemoryStore();
    const key = { tenant: tenant("p"), key: "z".repeat(40) };
    await store.set(key, await entryOf("v"));
    await store.invalidate(key.tenant, { prefixes: Array.from({ length: MAX_PREFIX_LENGTHS }, (_, i) => "p".repeat(i + 1)) });
    expect(await store.get(key)).toBeDefined();
    await store.invalidate(key.tenant, { prefixes: ["q".repeat(MAX_PREFIX_LENGTHS + 1)] });
    expect(await store.get(key)).toBeUndefined();
  });

  it("count a long prefix as the tags its characters would make towards the total bound", async () => {
    const store = new MemoryStore({ maxTotalTagWatermarks: 100 });
    await store.invalidate(tenant("long"), { prefixes: ["x".repeat(512)] });
    expect(store.watermarks()).toEqual({ tenants: 1, tags: 4 });
  });
});
