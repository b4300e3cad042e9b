import type { MigrationStatus } from "../l2/migration/migration-status";

const PHASES = ["dual-write", "read-new", "new-only"] as const;

/** Prometheus lines for a move between two L2 databases: phase, backfill progress, this isolate's counts. */
export function renderMigrationMetrics(status: MigrationStatus): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  gauge(
    "edge_cache_l2_migration_phase",
    "1 for the phase of the move between two L2 databases.",
    PHASES.map((phase) => [`{phase="${phase}"}`, phase === status.phase ? 1 : 0]),
  );
  const backfill = status.backfill;
  if (backfill) {
    gauge("edge_cache_l2_backfill_keys", "Keys the backfill handled, by outcome (all passes).", [
      ['{outcome="copied"}', backfill.copied],
      ['{outcome="skipped_newer"}', backfill.skippedNewer],
      ['{outcome="hidden"}', backfill.hidden],
      ['{outcome="failed"}', backfill.failed],
      ['{outcome="control"}', backfill.controlKeys],
    ]);
    gauge("edge_cache_l2_backfill_passes", "Complete backfill passes over the database moved from.", [["", backfill.passes]]);
    gauge("edge_cache_l2_backfill_done", "1 once a pass ended with nothing missed.", [["", backfill.done ? 1 : 0]]);
  }
  gauge(
    "edge_cache_l2_migration_isolate_events",
    "This isolate's reads that fell back, entries promoted, and writes the second database missed.",
    [
      ['{event="fallback"}', status.isolate.fallbacks],
      ['{event="promotion"}', status.isolate.promotions],
      ['{event="secondary_miss"}', status.isolate.secondaryMisses],
    ],
  );
  return `${lines.join("\n")}\n`;
}
