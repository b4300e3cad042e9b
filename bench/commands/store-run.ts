import { createEntry, type Entry } from "../../shared/cache/entry.ts";
import type { EntryKey, TenantId } from "../../shared/cache/keys.ts";
import { MemoryStore } from "../../shared/cache/memory-store.ts";
import { TieredStore } from "../../shared/cache/tiered-store.ts";
import { UpstashStore } from "../../shared/cache/upstash/upstash-store.ts";
import { CircuitBreaker } from "../../shared/redis/circuit-breaker.ts";
import { createUpstashRunner } from "../../shared/redis/redis-client.ts";
import type { GatewayControl } from "../../test/helpers/worker/gateway-control.ts";
import type { Workload } from "./workloads.ts";

export interface StoreRunOptions {
  gatewayUrl: string;
  /** A gateway scope of its own, so its counters are this run's alone. */
  scope: { token: string; control: GatewayControl };
  workload: Workload;
  isolates: number;
  refreshAhead: boolean;
  seconds: number;
  /** Operations in flight at once, over all isolates. */
  concurrency: number;
  /** Operations per second over all isolates (paced: the ratio depends on it). */
  rate: number;
  l1MaxTtlMs: number;
}

export interface StoreRunResult {
  gets: number;
  writes: number;
  /** Redis commands the gateway ran (a script call is one, however many keys it reads). */
  commands: number;
  requests: number;
  commandsPer1000Gets: number;
  l1Share: number;
}

const VALUE = new Uint8Array(256).fill(120);
const tenant = "bench" as TenantId;

/**
 * Isolates simulated with the real store code: one TieredStore per isolate (its own L1, breaker
 * and refresh-ahead queue) over the same Redis, each GET sent to a random isolate, as a runtime
 * spreads requests. Background work (what waitUntil runs) is kept running, never awaited by a
 * reader. Counts what reached Redis over `seconds` after a warm-up.
 */
export async function runStoreWorkload(options: StoreRunOptions): Promise<StoreRunResult> {
  const runner = createUpstashRunner({ url: options.gatewayUrl, token: options.scope.token, timeoutMs: 5000, retries: 0 });
  const l2 = new UpstashStore({ runner, codec: { compressionThresholdBytes: 1024 } });
  const isolates = Array.from(
    { length: options.isolates },
    () =>
      new TieredStore({
        l1: new MemoryStore(),
        l2,
        breaker: new CircuitBreaker(),
        l1MaxTtlMs: options.l1MaxTtlMs,
        l1GraceMs: 300_000,
        // Off: what every copy cost before refresh ahead; on: the defaults.
        ...(options.refreshAhead ? {} : { refreshAheadMs: 0 }),
      }),
  );
  const keyOf = (index: number): EntryKey => ({ tenant, key: `${options.workload.name}/${index}` });
  const entry = (): Promise<Entry> =>
    createEntry({ value: VALUE, contentType: "text/plain", ttlSeconds: 3600, swrSeconds: 0, tags: [] }, Date.now());
  // Seeded through the store (one batch per 500 keys), not counted.
  for (let i = 0; i < options.workload.keys; i += 500) {
    const shared = await entry();
    await l2.batch(
      Array.from({ length: Math.min(500, options.workload.keys - i) }, (_, j) => ({
        type: "set" as const,
        key: keyOf(i + j),
        entry: shared,
      })),
    );
  }
  const background: Promise<unknown>[] = [];
  const keep = (work: Promise<unknown>) => {
    background.push(work.catch(() => undefined));
  };
  let gets = 0;
  let writes = 0;
  let l1 = 0;
  let counting = false;
  const rate = options.rate;
  let issued = 0;
  let pacedFrom = Date.now();
  const run = async (until: number) => {
    while (Date.now() < until) {
      // Paced to the rate: commands per GET depend on how many GETs share each bound.
      const slot = pacedFrom + (issued++ / rate) * 1000;
      const wait = slot - Date.now();
      // Sleeps only when well ahead: a timer per operation would take the CPU the isolates need.
      if (wait > 5) await new Promise((resolve) => setTimeout(resolve, wait));
      // An L1 hit settles in microtasks: without a turn of the event loop now and then, timers (the
      // batched checks) would never run, as they do between requests in a real isolate.
      else if (issued % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
      const store = isolates[Math.floor(Math.random() * isolates.length)] as TieredStore;
      const key = keyOf(options.workload.pick(Math.random()));
      if (Math.random() < options.workload.writeShare) {
        await store.set(key, await entry());
        if (counting) writes++;
      } else {
        const lookup = await store.get(key, { background: keep });
        if (counting) {
          gets++;
          if (lookup?.tier === "l1") l1++;
        }
      }
    }
  };
  // A warm-up fills every isolate's L1, then the counted run.
  const warmUntil = Date.now() + Math.min(2000, (options.seconds * 1000) / 2);
  await Promise.all(Array.from({ length: options.concurrency }, () => run(warmUntil)));
  await options.scope.control.resetCounters();
  counting = true;
  issued = 0;
  pacedFrom = Date.now();
  const until = Date.now() + options.seconds * 1000;
  await Promise.all(Array.from({ length: options.concurrency }, () => run(until)));
  counting = false;
  const counters = await options.scope.control.counters();
  await Promise.all(background);
  return {
    gets,
    writes,
    commands: counters.commands.total,
    requests: counters.requests.total,
    commandsPer1000Gets: Math.round((counters.commands.total / Math.max(1, gets)) * 1000 * 100) / 100,
    l1Share: Math.round((l1 / Math.max(1, gets)) * 1000) / 1000,
  };
}
