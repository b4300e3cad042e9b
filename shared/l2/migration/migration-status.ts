import type { L2Migration } from "../backend";
import { type BackfillState, parseBackfillState } from "./backfill-state";
import { BACKFILL_STATE_KEY } from "./migration-keys";

export interface MigrationStatus {
  phase: L2Migration["phase"];
  /** The backfill's progress as the new database records it; null when it could not be read. */
  backfill: BackfillState | null;
  /** This isolate's counts since it started. */
  isolate: { fallbacks: number; promotions: number; secondaryMisses: number };
}

// /health needs no token: its read of the new database is reused, as the Redis probe is.
const REUSE_MS = 1000;
const cache = new WeakMap<L2Migration, { at: number; backfill: BackfillState | null }>();

/**
 * Where a move stands: its phase, the backfill's progress, and what this isolate saw. `reuse`
 * answers from a read made less than a second ago (unauthenticated callers).
 */
export async function readMigrationStatus(
  migration: L2Migration,
  options: { reuse?: boolean; now?: () => number } = {},
): Promise<MigrationStatus> {
  const at = (options.now ?? Date.now)();
  let cached = options.reuse ? cache.get(migration) : undefined;
  if (!cached || at - cached.at >= REUSE_MS) {
    cached = { at, backfill: await readBackfill(migration) };
    cache.set(migration, cached);
  }
  return { phase: migration.phase, backfill: cached.backfill, isolate: migration.counters.snapshot() };
}

async function readBackfill(migration: L2Migration): Promise<BackfillState | null> {
  try {
    const [reply] = await migration.next.runner.run([{ op: "hgetall", key: BACKFILL_STATE_KEY }]);
    return reply?.ok ? parseBackfillState(reply.value) : null;
  } catch {
    return null;
  }
}
