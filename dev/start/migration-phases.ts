/** The phases of a move between two L2 databases, in the order a move goes through them. */
export const MIGRATION_PHASES = ["off", "dual-write", "read-new", "new-only"] as const;
export type MigrationPhase = (typeof MIGRATION_PHASES)[number];

export class MigrationPhaseError extends Error {
  override readonly name = "MigrationPhaseError";
}

/** `L2_MIGRATION_PHASE` from the shell: undefined when unset (no local move). */
export function requestedPhase(value: string | undefined): MigrationPhase | undefined {
  if (value === undefined || value === "") return undefined;
  if ((MIGRATION_PHASES as readonly string[]).includes(value)) return value as MigrationPhase;
  throw new MigrationPhaseError(`L2_MIGRATION_PHASE must be one of ${MIGRATION_PHASES.join(", ")} (got ${JSON.stringify(value)})`);
}

/** One step forward or back, staying within the phases. */
export function stepPhase(phase: MigrationPhase, direction: 1 | -1): MigrationPhase {
  const index = Math.min(MIGRATION_PHASES.length - 1, Math.max(0, MIGRATION_PHASES.indexOf(phase) + direction));
  return MIGRATION_PHASES[index] as MigrationPhase;
}
