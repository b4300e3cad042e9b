import type { TenantId } from "../cache/keys";
import { type CounterName, type Counters, emptyCounters } from "./counters";

export interface PendingStatsLimits {
  /** Tenants whose counts are kept between two flushes; a new tenant's past it are dropped. */
  maxTenants: number;
  /** Distinct keys whose reads are tracked per tenant: hot keys show up early. */
  maxKeysPerTenant: number;
  /** Estimated heap bytes of the tracked keys over all tenants. */
  maxReadKeyBytes: number;
}

// A tracked key's estimated cost: its UTF-16 characters, plus the map slot and count around it.
const readKeyBytes = (key: string) => 2 * key.length + 64;

/**
 * One isolate's counts that Redis does not have yet, by tenant, bounded however many tenants and
 * keys are active between two flushes. Counter updates that do not fit are refused (the caller
 * counts them as dropped); reads that do not fit are not tracked, like keys beyond a tenant's
 * first `maxKeysPerTenant`: the most-read keys are a sample, the counters are not.
 */
export class PendingStats {
  readonly counters = new Map<TenantId, Counters>();
  readonly reads = new Map<TenantId, Map<string, number>>();
  /** Counter updates absorbed per tenant: what would be lost if these counts were dropped. */
  readonly updates = new Map<TenantId, number>();
  readonly #limits: PendingStatsLimits;
  #readKeyBytes = 0;

  constructor(limits: PendingStatsLimits) {
    this.#limits = limits;
  }

  get isEmpty(): boolean {
    return this.counters.size === 0 && this.reads.size === 0;
  }

  /** No new tenant's counts fit: a flush should make room. */
  get isFull(): boolean {
    return this.counters.size >= this.#limits.maxTenants;
  }

  get tenants(): Set<TenantId> {
    return new Set([...this.counters.keys(), ...this.reads.keys()]);
  }

  /** Counter updates held, over all tenants. */
  get totalUpdates(): number {
    let total = 0;
    for (const count of this.updates.values()) total += count;
    return total;
  }

  /** False, counting nothing, when the tenant is new and `maxTenants` are held already. */
  add(tenant: TenantId, name: CounterName, amount: number): boolean {
    let counters = this.counters.get(tenant);
    if (!counters) {
      if (this.isFull) return false;
      counters = emptyCounters();
      this.counters.set(tenant, counters);
    }
    counters[name] += amount;
    this.updates.set(tenant, (this.updates.get(tenant) ?? 0) + 1);
    return true;
  }

  noteRead(tenant: TenantId, key: string): void {
    let reads = this.reads.get(tenant);
    const count = reads?.get(key);
    if (reads && count !== undefined) {
      reads.set(key, count + 1);
      return;
    }
    const cost = readKeyBytes(key);
    if (this.#readKeyBytes + cost > this.#limits.maxReadKeyBytes) return;
    if (!reads) {
      if (this.reads.size >= this.#limits.maxTenants) return;
      reads = new Map();
      this.reads.set(tenant, reads);
    }
    if (reads.size >= this.#limits.maxKeysPerTenant) return;
    reads.set(key, 1);
    this.#readKeyBytes += cost;
  }

  /** A copy holding only these tenants' counts and reads. */
  only(tenants: Iterable<TenantId>): PendingStats {
    const copy = new PendingStats(this.#limits);
    for (const tenant of tenants) {
      const counters = this.counters.get(tenant);
      if (counters) copy.counters.set(tenant, counters);
      const reads = this.reads.get(tenant);
      if (reads) copy.reads.set(tenant, reads);
      const updates = this.updates.get(tenant);
      if (updates !== undefined) copy.updates.set(tenant, updates);
    }
    return copy;
  }
}
