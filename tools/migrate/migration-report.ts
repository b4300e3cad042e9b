import { CappedExamples } from "./capped-examples.ts";
import { reportKey } from "./report-key.ts";
import { renderReport } from "./report-text.ts";
import type { SourceType } from "./source-record.ts";
import { type ReportedEntry, type TenantReport, TenantTally } from "./tenant-tally.ts";

export { OTHER_CONTENT_TYPES, type ReportedEntry, type TenantReport, TTL_BUCKETS, type TtlBucket } from "./tenant-tally.ts";

export type Examples<T> = { count: number; examples: T[] };
type KeyReason = { key: string; reason: string };
type Oversized = { key: string; tenant: string; bytes: number; maxBytes: number };
type Skipped = { key: string; type: SourceType; reason: string };

/** Types --convert json copies. */
const CONVERTIBLE = new Set<SourceType>(["hash", "list", "set", "zset"]);

export interface MigrationReportJson {
  totals: Omit<TenantReport, "tenant">;
  /** Most keys first. */
  tenants: TenantReport[];
  tenantsToCreate: string[];
  unmapped: Examples<KeyReason>;
  oversized: Examples<Oversized>;
  expired: number;
  /** `hint`: how to copy the skipped structures, when some were skipped only for want of --convert json. */
  skipped: Examples<Skipped> & { byType: Partial<Record<SourceType, number>>; hint?: string };
  /** Values a decoder recognised but could not decode; they are copied as they were. */
  undecodable: Examples<KeyReason>;
}

export interface MigrationReportOptions {
  /** Examples kept for each of unmapped, oversized, skipped and undecodable. @default 20 */
  examples?: number;
  /** Distinct content types counted per tenant; an NDJSON export may name any, so the rest count as "(other)". @default 20 */
  contentTypesPerTenant?: number;
  /** Tenants `render()` lists before "… and N more tenants". @default 50 */
  tenantsShown?: number;
}

/**
 * What a migration did, or would do, per tenant. Memory stays bounded whatever the number of keys:
 * counters, example lists that stop at a limit, and one tally per tenant.
 */
export class MigrationReport {
  readonly #tenants = new Map<string, TenantTally>();
  readonly #unmapped: CappedExamples<KeyReason>;
  readonly #oversized: CappedExamples<Oversized>;
  readonly #skipped: CappedExamples<Skipped>;
  readonly #skippedByType = new Map<SourceType, number>();
  readonly #undecodable: CappedExamples<KeyReason>;
  #notConverted = 0;
  #expired = 0;
  #tenantsToCreate: string[] = [];
  readonly #contentTypesPerTenant: number;
  readonly #tenantsShown: number;

  constructor(options: MigrationReportOptions = {}) {
    const examples = options.examples ?? 20;
    this.#unmapped = new CappedExamples(examples);
    this.#oversized = new CappedExamples(examples);
    this.#skipped = new CappedExamples(examples);
    this.#undecodable = new CappedExamples(examples);
    this.#contentTypesPerTenant = options.contentTypesPerTenant ?? 20;
    this.#tenantsShown = options.tenantsShown ?? 50;
  }

  addEntry(entry: ReportedEntry): void {
    let tally = this.#tenants.get(entry.tenant);
    if (!tally) {
      tally = new TenantTally(entry.tenant, this.#contentTypesPerTenant);
      this.#tenants.set(entry.tenant, tally);
    }
    tally.add(entry);
  }

  addUnmapped(legacyKey: Buffer, reason: string): void {
    this.#unmapped.add(() => ({ key: reportKey(legacyKey), reason }));
  }

  /** A value over the tenant's limit; `key` is the legacy key or the edge-cache key. */
  addOversized(entry: { key: Buffer | string; tenant: string; bytes: number; maxBytes: number }): void {
    this.#oversized.add(() => ({ key: reportKey(entry.key), tenant: entry.tenant, bytes: entry.bytes, maxBytes: entry.maxBytes }));
  }

  addExpired(): void {
    this.#expired++;
  }

  /** A key whose type is not copied (no --convert json), or that could not be converted (`reason`). */
  addSkipped(legacyKey: Buffer, type: SourceType, reason?: string): void {
    this.#skippedByType.set(type, (this.#skippedByType.get(type) ?? 0) + 1);
    if (reason === undefined && CONVERTIBLE.has(type)) this.#notConverted++;
    this.#skipped.add(() => ({ key: reportKey(legacyKey), type, reason: reason ?? `a ${type} is not copied` }));
  }

  /** Counted besides the entry itself: an undecodable value is still copied, as it was. */
  addUndecodable(legacyKey: Buffer, reason: string): void {
    this.#undecodable.add(() => ({ key: reportKey(legacyKey), reason }));
  }

  /** Tenants that do not exist yet, as the caller found them (the report cannot know). */
  setTenantsToCreate(tenants: readonly string[]): void {
    this.#tenantsToCreate = [...tenants].sort();
  }

  toJSON(): MigrationReportJson {
    const tallies = [...this.#tenants.values()];
    const { tenant: _, ...totals } = tallies.reduce((sum, tally) => sum.merge(tally), new TenantTally("")).toReport();
    return {
      totals,
      tenants: tallies.map((tally) => tally.toReport()).sort((a, b) => b.keys - a.keys || (a.tenant < b.tenant ? -1 : 1)),
      tenantsToCreate: [...this.#tenantsToCreate],
      unmapped: this.#unmapped.toJSON(),
      oversized: this.#oversized.toJSON(),
      expired: this.#expired,
      skipped: {
        ...this.#skipped.toJSON(),
        byType: Object.fromEntries(this.#skippedByType),
        ...(this.#notConverted > 0 && { hint: "copy hashes, lists, sets and sorted sets as JSON with --convert json" }),
      },
      undecodable: this.#undecodable.toJSON(),
    };
  }

  /** The report as aligned plain text, for a terminal. */
  render(): string {
    return renderReport(this.toJSON(), { tenantsShown: this.#tenantsShown });
  }
}
