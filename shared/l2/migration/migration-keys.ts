/**
 * Keys of a move's own records. They live under `ecsys:l2m:`, outside every tenant's space, and
 * are never copied between the databases.
 */
export const MIGRATION_KEY_PREFIX = "ecsys:l2m:";

/** Hash in the new database: the backfill's cursor and counts (backfill-state.ts). */
export const BACKFILL_STATE_KEY = `${MIGRATION_KEY_PREFIX}backfill`;

/** Lease in the new database held while one invocation runs the backfill, so two never overlap. */
export const BACKFILL_LEASE_KEY = `${MIGRATION_KEY_PREFIX}lease`;

/** Flag in the database moved from: a write missed the new database, so the backfill must pass again. */
export const RESYNC_FLAG_KEY = `${MIGRATION_KEY_PREFIX}resync`;
