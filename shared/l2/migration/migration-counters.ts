/** What this isolate's migrating L2 did, for /health and /metrics. Counts only; no keys. */
export class MigrationCounters {
  /** Reads the new database missed and the current one was asked (read-new). */
  fallbacks = 0;
  /** Entries those reads found in the current database and copied into the new one. */
  promotions = 0;
  /** Writes the second database did not take: it failed, or its circuit was open. Each asks the backfill for another pass. */
  secondaryMisses = 0;

  snapshot(): { fallbacks: number; promotions: number; secondaryMisses: number } {
    return { fallbacks: this.fallbacks, promotions: this.promotions, secondaryMisses: this.secondaryMisses };
  }
}
