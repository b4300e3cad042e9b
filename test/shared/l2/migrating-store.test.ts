import { describe, expect, it } from "vitest";
import type { EntryKey } from "../../../shared/cache/keys";
import { MemoryStore } from "../../../shared/cache/memory-store";
import { TieredStore } from "../../../shared/cache/tiered-store";
import { CircuitBreaker } from "../../../shared/redis/circuit-breaker";
import { describeStoreContract, entryOf } from "../../helpers/worker/store-contract";
import { gatewayScope, uniqueTenant } from "../../helpers/worker/test-env";
import { migratingStore, nextGatewayControl } from "./migration-kit";

const decoder = new TextDecoder();
const keyOf = (key = "k"): EntryKey => ({ tenant: uniqueTenant(), key });
const text = (lookup: { entry: { value: Uint8Array } } | undefined) => (lookup ? decoder.decode(lookup.entry.value) : undefined);

describeStoreContract("migrating L2, dual-write (two real Redis through two gateways)", () => migratingStore("dual-write").store);
describeStoreContract("migrating L2, read-new (two real Redis through two gateways)", () => migratingStore("read-new").store);
describeStoreContract(
  "tiered over the migrating L2, read-new",
  () =>
    new TieredStore({
      l1: new MemoryStore({ budgetBytes: 1024 * 1024 }),
      l2: migratingStore("read-new").store,
      breaker: new CircuitBreaker(),
      l1MaxTtlMs: 1000,
      l1GraceMs: 60_000,
    }),
);

describe("dual-write", () => {
  it("writes, deletes, clears and invalidations reach both databases; reads come from current", async () => {
    const { store, current, next } = migratingStore("dual-write");
    const key = keyOf();
    await store.set(key, await entryOf("v1", { tags: ["t"] }));
    expect(text(await current.get(key))).toBe("v1");
    expect(text(await next.get(key))).toBe("v1");
    // A value only next holds is not read: current answers in this phase.
    const onlyNext = { tenant: key.tenant, key: "only-next" };
    await next.set(onlyNext, await entryOf("n"));
    expect(await store.get(onlyNext)).toBeUndefined();

    await store.invalidate(key.tenant, { tags: ["t"] });
    expect(await current.get(key)).toBeUndefined();
    expect(await next.get(key)).toBeUndefined();

    const other = { tenant: key.tenant, key: "other" };
    await store.set(other, await entryOf("v2"));
    await store.delete(other);
    expect(await next.get(other)).toBeUndefined();

    const cleared = keyOf();
    await store.set(cleared, await entryOf("v3"));
    await store.clear(cleared.tenant);
    expect(await current.get(cleared)).toBeUndefined();
    expect(await next.get(cleared)).toBeUndefined();
  });

  it("never copies a write the current database refused (only-if-absent)", async () => {
    const { store, next } = migratingStore("dual-write");
    const key = keyOf();
    await store.set(key, await entryOf("first"));
    expect(await store.set(key, await entryOf("second"), { onlyIfAbsent: true })).toEqual({ status: "exists" });
    expect(text(await next.get(key))).toBe("first");
  });

  it("answers stored when next is down, counts the miss and asks for another backfill pass", async () => {
    const scope = await nextGatewayControl().createScope();
    await scope.control.setFaults({ refuse: true });
    const kit = migratingStore("dual-write", { next: scope.token, timeoutMs: 300 });
    const key = keyOf();
    expect(await kit.store.set(key, await entryOf("acknowledged"))).toMatchObject({ status: "stored", durability: "shared" });
    expect(text(await kit.current.get(key))).toBe("acknowledged");
    expect(kit.counters.secondaryMisses).toBe(1);
    expect(kit.misses).toBe(1);
    // Two failures open next's own breaker: writes stop waiting on it, and still count as missed.
    await kit.store.set(keyOf(), await entryOf("b"));
    await scope.control.setFaults({ refuse: false });
    await kit.store.set(keyOf(), await entryOf("c"));
    expect(kit.counters.secondaryMisses).toBe(3);
    expect(await kit.next.get(key)).toBeUndefined();
  });
});

describe("read-new", () => {
  it("serves from next first, falls back to current on a miss and copies the entry into next once", async () => {
    const kit = migratingStore("read-new");
    const key = keyOf();
    const entry = await entryOf("old home", { ttl: 120 });
    await kit.current.set(key, entry);
    const lookup = await kit.store.get(key);
    expect(text(lookup)).toBe("old home");
    expect(lookup?.entry.etag).toBe(entry.etag);
    expect(kit.counters).toMatchObject({ fallbacks: 1, promotions: 1 });
    // Promoted with its own lifetime: next now answers, without asking current.
    expect((await kit.next.get(key))?.entry.freshUntil).toBe(entry.freshUntil);
    expect(text(await kit.store.get(key))).toBe("old home");
    expect(kit.counters).toMatchObject({ fallbacks: 1, promotions: 1 });
  });

  it("fills a batch's misses from current together: one read there and one write into next, however many", async () => {
    const [currentScope, nextScope] = [await gatewayScope(), await nextGatewayControl().createScope()];
    const kit = migratingStore("read-new", { current: currentScope.token, next: nextScope.token });
    const tenant = uniqueTenant();
    const keys = Array.from({ length: 6 }, (_, i) => ({ tenant, key: `k${i}` }));
    for (const key of keys.slice(0, 5)) await kit.current.set(key, await entryOf(key.key));
    await currentScope.control.resetCounters();
    await nextScope.control.resetCounters();
    const results = await kit.store.batch(keys.map((key) => ({ type: "get" as const, key })));
    expect(results.map((result) => (result.type === "get" ? text(result.lookup) : "error"))).toEqual([
      "k0",
      "k1",
      "k2",
      "k3",
      "k4",
      undefined,
    ]);
    expect(kit.counters).toMatchObject({ fallbacks: 6, promotions: 5 });
    expect((await currentScope.control.counters()).requests.total).toBe(1);
    // The batch itself, then the promotions' write.
    expect((await nextScope.control.counters()).requests.total).toBe(2);
  });

  it("copies concurrent promotions of one key once", async () => {
    const kit = migratingStore("read-new");
    const key = keyOf();
    await kit.current.set(key, await entryOf("hot"));
    const reads = await Promise.all(Array.from({ length: 8 }, () => kit.store.get(key)));
    expect(reads.map(text)).toEqual(Array(8).fill("hot"));
    expect(kit.counters.promotions).toBe(1);
  });

  it("keeps next's newer entry over current's older one", async () => {
    const kit = migratingStore("read-new");
    const key = keyOf();
    await kit.current.set(key, await entryOf("older", { createdAt: Date.now() - 5000 }));
    await kit.next.set(key, await entryOf("newer"));
    expect(text(await kit.store.get(key))).toBe("newer");
    const [record] = await kit.current.readRecords([key]);
    expect(await kit.next.writeRecords([{ key, record: record! }])).toEqual([{ status: "newer" }]);
    expect(text(await kit.next.get(key))).toBe("newer");
  });

  it("never serves an entry older than an invalidation current missed", async () => {
    const scope = await gatewayScope();
    const kit = migratingStore("read-new", { current: scope.token, timeoutMs: 300 });
    const key = keyOf();
    await kit.current.set(key, await entryOf("stale", { tags: ["price"], createdAt: Date.now() - 1000 }));
    // Current is down while the invalidation is acknowledged: only next records it.
    await scope.control.setFaults({ refuse: true });
    await kit.store.invalidate(key.tenant, { tags: ["price"] });
    expect(kit.counters.secondaryMisses).toBe(1);
    await scope.control.setFaults({ refuse: false });
    expect(text(await kit.current.get(key))).toBe("stale");
    expect(await kit.store.get(key)).toBeUndefined();
    expect(kit.counters.promotions).toBe(0);
  });

  it("never serves an entry older than a clear current missed", async () => {
    const scope = await gatewayScope();
    const kit = migratingStore("read-new", { current: scope.token, timeoutMs: 300 });
    const key = keyOf();
    await kit.current.set(key, await entryOf("before the clear", { createdAt: Date.now() - 1000 }));
    await scope.control.setFaults({ refuse: true });
    await kit.store.clear(key.tenant);
    await scope.control.setFaults({ refuse: false });
    expect(await kit.store.get(key)).toBeUndefined();
  });

  it("treats a deleted key as deleted, even where current still has a tombstone only", async () => {
    const kit = migratingStore("read-new");
    const key = keyOf();
    await kit.current.set(key, await entryOf("x"));
    await kit.store.delete(key);
    expect(await kit.store.get(key)).toBeUndefined();
    expect(await kit.current.get(key)).toBeUndefined();
  });

  it("misses, rather than fails, a key only current holds while current is down", async () => {
    const scope = await gatewayScope();
    const kit = migratingStore("read-new", { current: scope.token, timeoutMs: 300 });
    const key = keyOf();
    await kit.current.set(key, await entryOf("unreachable"));
    await scope.control.setFaults({ refuse: true });
    expect(await kit.store.get(key)).toBeUndefined();
    await scope.control.setFaults({ refuse: false });
  });

  it("fails a read when next is down: current is never read in its place", async () => {
    const scope = await nextGatewayControl().createScope();
    const kit = migratingStore("read-new", { next: scope.token, timeoutMs: 300 });
    const key = keyOf();
    await kit.current.set(key, await entryOf("only in current"));
    await scope.control.setFaults({ refuse: true });
    await expect(kit.store.get(key)).rejects.toThrow();
    await scope.control.setFaults({ refuse: false });
  });
});
