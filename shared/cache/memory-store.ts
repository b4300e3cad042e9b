import { type Entry, entryFootprint, isServable } from "./entry";
import { type EntryKey, memoryKey, type TenantId } from "./keys";
import { SieveCache } from "./sieve-cache";
import {
  type DeleteResult,
  type Durability,
  type InvalidationTargets,
  type Lookup,
  MAX_PREFIX_LENGTHS,
  type Operation,
  type OperationResult,
  runSequentially,
  type SetOptions,
  type SetResult,
  type Store,
} from "./store";

/** One entry as this isolate holds it. */
export interface MemoryRecord {
  tenant: TenantId;
  entry: Entry;
  /** Until when this copy may be served without asking Redis again (the L1 freshness cap). */
  checkedUntil: number;
  /** Until when it is kept at all: its stale window, plus the stale-if-error grace in L1. */
  retainUntil: number;
  durability: Durability;
  /** This isolate's write sequence at store time, compared with clear and tag watermarks. */
  localSeq: number;
  /**
   * The `checkedUntil` this copy was last queued for a batched check with (tiered-store.ts): later
   * reads within the same bound skip the queue, so an L1 hit costs no more than a comparison.
   */
  queuedFor?: number;
}

export interface MemoryStoreOptions {
  /** Heap bytes the entries may hold, estimated per entry. @default 32 MiB */
  budgetBytes?: number;
  /** Distinct invalidated tags and prefixes remembered per tenant before falling back to a whole clear. @default 10000 */
  maxTagWatermarks?: number;
  /**
   * Tenants whose clear and tag watermarks are kept; past it, those raised longest ago are
   * forgotten (see `#forgottenUpTo`). @default 10000
   */
  maxMarkedTenants?: number;
  /** Tag and prefix watermarks kept over all tenants (up to 128 and 512 characters each), bounding their memory. @default 50000 */
  maxTotalTagWatermarks?: number;
  now?: () => number;
}

interface TenantMarks {
  cleared: number;
  tags: Map<string, number>;
  prefixes: Map<string, number>;
  /** The lengths of `prefixes`: a read looks up one prefix of its key per length. */
  prefixLengths: Set<number>;
  /** What `tags` and `prefixes` count towards `maxTotalTagWatermarks` (markUnits). */
  units: number;
}

// A watermark counts one unit per 128 characters, a tag's most: prefixes up to 512 characters
// then take no more memory under the total bound than tags do.
const markUnits = (name: string) => Math.max(1, Math.ceil(name.length / 128));

export interface MemoryUsage {
  entries: number;
  bytes: number;
  budgetBytes: number;
}

/**
 * The per-isolate tier. Used alone it is the whole store (memory-only mode, full TTLs); inside
 * TieredStore it is L1 and its records carry how long they may go unchecked. Clears, tag and
 * prefix invalidations are O(1) watermarks checked on read, never scans.
 */
export class MemoryStore implements Store {
  readonly #cache: SieveCache<MemoryRecord>;
  /** By tenant, least recently raised first. */
  readonly #marks = new Map<TenantId, TenantMarks>();
  /**
   * The highest watermark among forgotten marks. A record of a tenant with no marks kept that
   * was stored at or before it counts as invalidated, so forgetting never resurrects a copy a
   * clear or invalidation hid; the overreach costs a re-read from Redis (in memory-only mode,
   * where L1 is the store, it drops copies early, as the byte budget may anyway).
   */
  #forgottenUpTo = 0;
  #tagWatermarks = 0;
  readonly #usageByTenant = new Map<TenantId, { entries: number; bytes: number }>();
  readonly #maxTagWatermarks: number;
  readonly #maxMarkedTenants: number;
  readonly #maxTotalTagWatermarks: number;
  readonly #now: () => number;
  #seq = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.#cache = new SieveCache<MemoryRecord>({
      budgetBytes: options.budgetBytes ?? 32 * 1024 * 1024,
      onRemove: (_key, record, bytes) => this.#account(record.tenant, -1, -bytes),
    });
    this.#maxTagWatermarks = options.maxTagWatermarks ?? 10_000;
    this.#maxMarkedTenants = options.maxMarkedTenants ?? 10_000;
    this.#maxTotalTagWatermarks = options.maxTotalTagWatermarks ?? 50_000;
    this.#now = options.now ?? Date.now;
  }

  usage(): MemoryUsage {
    return { entries: this.#cache.size, bytes: this.#cache.bytes, budgetBytes: this.#cache.budgetBytes };
  }

  /** The clear, tag and prefix watermarks this isolate keeps, bounded by `maxMarkedTenants` and `maxTotalTagWatermarks`. */
  watermarks(): { tenants: number; tags: number } {
    return { tenants: this.#marks.size, tags: this.#tagWatermarks };
  }

  /** One tenant's share of this isolate's L1 (cleared or invalidated copies count until evicted). */
  tenantUsage(tenant: TenantId): { entries: number; bytes: number } {
    return { ...(this.#usageByTenant.get(tenant) ?? { entries: 0, bytes: 0 }) };
  }

  /** The record under a key if it is still kept and not cleared or invalidated. */
  record(key: EntryKey): MemoryRecord | undefined {
    const id = memoryKey(key);
    const record = this.#cache.get(id);
    if (!record) return undefined;
    if (this.#now() >= record.retainUntil || this.#isInvalidated(key, record)) {
      this.#cache.delete(id);
      return undefined;
    }
    return record;
  }

  /** Stores a copy with explicit L1 bounds; false when it alone exceeds the budget. */
  put(key: EntryKey, entry: Entry, bounds: Pick<MemoryRecord, "checkedUntil" | "retainUntil" | "durability">): boolean {
    const record: MemoryRecord = { tenant: key.tenant, entry, ...bounds, localSeq: ++this.#seq };
    const bytes = entryFootprint(key.tenant, key.key, entry);
    const stored = this.#cache.set(memoryKey(key), record, bytes);
    if (stored) this.#account(key.tenant, 1, bytes);
    return stored;
  }

  #account(tenant: TenantId, entries: number, bytes: number): void {
    const usage = this.#usageByTenant.get(tenant) ?? { entries: 0, bytes: 0 };
    usage.entries += entries;
    usage.bytes += bytes;
    if (usage.entries === 0) this.#usageByTenant.delete(tenant);
    else this.#usageByTenant.set(tenant, usage);
  }

  /** Extends how long a copy may go unchecked, after Redis confirmed it unchanged. */
  markChecked(key: EntryKey, checkedUntil: number): void {
    const record = this.#cache.peek(memoryKey(key));
    if (record) record.checkedUntil = checkedUntil;
  }

  drop(key: EntryKey): void {
    this.#cache.delete(memoryKey(key));
  }

  async get(key: EntryKey): Promise<Lookup | undefined> {
    const record = this.record(key);
    if (!record || !isServable(record.entry, this.#now())) return undefined;
    return { entry: record.entry, tier: "l1", degraded: false };
  }

  async set(key: EntryKey, entry: Entry, options: SetOptions = {}): Promise<SetResult> {
    if (options.onlyIfAbsent && (await this.get(key))) return { status: "exists" };
    this.put(key, entry, { checkedUntil: entry.staleUntil, retainUntil: entry.staleUntil, durability: "memory" });
    return { status: "stored", durability: "memory", entry };
  }

  async delete(key: EntryKey): Promise<DeleteResult> {
    this.drop(key);
    return { status: "deleted", durability: "memory" };
  }

  batch(operations: readonly Operation[]): Promise<OperationResult[]> {
    return runSequentially(this, operations);
  }

  async clear(tenant: TenantId): Promise<void> {
    const marks = this.#marksOf(tenant);
    marks.cleared = ++this.#seq;
    this.#tagWatermarks -= marks.units;
    marks.units = 0;
    marks.tags.clear();
    marks.prefixes.clear();
    marks.prefixLengths.clear();
  }

  async invalidate(tenant: TenantId, { tags = [], prefixes = [] }: InvalidationTargets): Promise<void> {
    const marks = this.#marksOf(tenant);
    const seq = ++this.#seq;
    for (const tag of tags) {
      if (!marks.tags.has(tag)) this.#addUnits(marks, markUnits(tag));
      marks.tags.set(tag, seq);
    }
    for (const prefix of prefixes) {
      if (!marks.prefixes.has(prefix)) {
        this.#addUnits(marks, markUnits(prefix));
        marks.prefixLengths.add(prefix.length);
      }
      marks.prefixes.set(prefix, seq);
    }
    // Forgetting marks could resurrect entries; clearing the tenant's copies is the safe overreach.
    const overLengths = marks.prefixLengths.size > MAX_PREFIX_LENGTHS;
    if (overLengths || marks.tags.size + marks.prefixes.size > this.#maxTagWatermarks) await this.clear(tenant);
    this.#forgetOldMarks();
  }

  #addUnits(marks: TenantMarks, units: number): void {
    marks.units += units;
    this.#tagWatermarks += units;
  }

  /** The tenant's marks, moved to the back as the most recently raised (created if absent). */
  #marksOf(tenant: TenantId): TenantMarks {
    let marks = this.#marks.get(tenant);
    if (marks) this.#marks.delete(tenant);
    // New marks start at the floor: this tenant's records may be hidden by marks since forgotten.
    else marks = { cleared: this.#forgottenUpTo, tags: new Map(), prefixes: new Map(), prefixLengths: new Set(), units: 0 };
    this.#marks.set(tenant, marks);
    this.#forgetOldMarks();
    return marks;
  }

  /** Forgets the marks raised longest ago while over a bound, never the tenant just raised. */
  #forgetOldMarks(): void {
    while (this.#marks.size > 1 && (this.#marks.size > this.#maxMarkedTenants || this.#tagWatermarks > this.#maxTotalTagWatermarks)) {
      const [tenant, marks] = this.#marks.entries().next().value as [TenantId, TenantMarks];
      let highest = marks.cleared;
      for (const mark of marks.tags.values()) highest = Math.max(highest, mark);
      for (const mark of marks.prefixes.values()) highest = Math.max(highest, mark);
      this.#forgottenUpTo = Math.max(this.#forgottenUpTo, highest);
      this.#tagWatermarks -= marks.units;
      this.#marks.delete(tenant);
    }
  }

  #isInvalidated({ tenant, key }: EntryKey, record: MemoryRecord): boolean {
    const marks = this.#marks.get(tenant);
    if (!marks) return record.localSeq <= this.#forgottenUpTo;
    if (record.localSeq <= marks.cleared) return true;
    for (const tag of record.entry.tags) {
      const mark = marks.tags.get(tag);
      if (mark !== undefined && record.localSeq <= mark) return true;
    }
    for (const length of marks.prefixLengths) {
      if (length > key.length) continue;
      const mark = marks.prefixes.get(key.slice(0, length));
      if (mark !== undefined && record.localSeq <= mark) return true;
    }
    return false;
  }
}
