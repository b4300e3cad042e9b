import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../../shared/cache/circuit-breaker";
import { MemoryStore } from "../../../shared/cache/memory-store";
import { TieredStore } from "../../../shared/cache/tiered-store";
import { UpstashStore } from "../../../shared/cache/upstash-store";
import { entryOf } from "../../helpers/worker/store-contract";
import { gatewayScope, redisRunner, uniqueTenant } from "../../helpers/worker/test-env";

async function scopedStore(l1MaxTtlMs: number) {
  const { control, token } = await gatewayScope();
  const store = new TieredStore({
    l1: new MemoryStore(),
    l2: new UpstashStore({ runner: redisRunner(token), codec: { compressionThresholdBytes: 1024 } }),
    breaker: new CircuitBreaker(),
    l1MaxTtlMs,
    l1GraceMs: 60_000,
  });
  return { store, control };
}

describe("TieredStore", () => {
  it("revalidates a key once when many reads find its memory copy due", async () => {
    const { store, control } = await scopedStore(0);
    const key = { tenant: uniqueTenant(), key: "hot" };
    await store.set(key, await entryOf("v"));
    // Loads the read script into Redis, so what follows is counted without a NOSCRIPT retry.
    await store.get(key);
    await control.resetCounters();
    const lookups = await Promise.all(Array.from({ length: 20 }, () => store.get(key)));
    expect(lookups.every((lookup) => lookup !== undefined && !lookup.degraded)).toBe(true);
    expect((await control.counters()).requests.total).toBe(1);
  });

  it("serves from memory without Redis until the L1 bound, then asks Redis", async () => {
    const { store, control } = await scopedStore(60_000);
    const key = { tenant: uniqueTenant(), key: "k" };
    await store.set(key, await entryOf("v"));
    await control.resetCounters();
    expect((await store.get(key))?.tier).toBe("l1");
    expect((await control.counters()).requests.total).toBe(0);
  });
});
